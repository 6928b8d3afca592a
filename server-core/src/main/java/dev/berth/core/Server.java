package dev.berth.core;

import dev.berth.core.internal.ConnectionLimiter;
import dev.berth.core.internal.ConnectionRegistry;
import dev.berth.core.internal.DatagramSizeFilter;
import dev.berth.core.internal.DefaultConnectionContext;
import dev.berth.core.internal.DrainReport;
import dev.berth.core.internal.ProxyProtocolHandler;
import dev.berth.core.internal.ReadyFile;
import dev.berth.core.internal.TailHandler;
import dev.berth.core.internal.TlsHandshakeGate;
import dev.berth.core.internal.Transports;
import dev.berth.core.internal.admin.AdminHandler;
import dev.berth.core.internal.admin.AdminInitializer;
import dev.berth.core.internal.admin.AdminStatus;
import dev.berth.core.internal.admin.InfoJson;
import dev.berth.core.internal.metrics.ListenerMeters;
import dev.berth.core.internal.metrics.Registries;
import dev.berth.core.internal.metrics.ReloadMeters;
import dev.berth.core.internal.metrics.ServerMeters;
import dev.berth.core.internal.metrics.TlsMeters;
import dev.berth.core.internal.tls.ListenerTls;
import dev.berth.core.internal.tls.TlsHandlers;
import dev.berth.core.internal.tls.TlsService;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.Drain;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.spi.ProtocolService;
import dev.berth.core.spi.ServerContext;
import dev.berth.core.tls.TlsMode;
import dev.berth.core.tls.TlsReload;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of TCP and UDP listeners on one I/O engine. {@link #start()} binds every listener or fails
 * with one clear message; {@link #localAddress(String)} gives each listener's real address (port 0
 * becomes the ephemeral port); {@link #stop()} stops gracefully.
 */
public final class Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Server.class);
    /** Datagrams read per wake-up before the batch is handed on (and its replies flushed): Netty's default for UDP. */
    static final int DATAGRAMS_PER_READ = 16;

    private final ServerConfig config;
    /**
     * The bound listeners, in configuration order. Written only under this server's lock (at start), read
     * without it from the event loops ({@link Context#listenerAddress}): a listener accepts on an event
     * loop, so a connection's handler may ask while start() still waits for another listener's bind
     * on that same loop, and must not wait for the lock start() holds.
     */
    private final Map<String, Channel> bound = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, InetAddress> boundHosts = new LinkedHashMap<>();
    private final Map<String, ConnectionLimiter> limiters = new LinkedHashMap<>();
    private final Map<String, DatagramSizeFilter> datagramFilters = new LinkedHashMap<>();
    /** The connection limits and meters of each UDP listener whose module admits connections (QUIC). */
    private final Map<String, Admission> admissions = new java.util.concurrent.ConcurrentHashMap<>();
    /** Each TCP listener's limits for the connections it accepts next: its configuration's, until {@link #updateLimits}. */
    private final Map<String, Limits> liveLimits = new java.util.concurrent.ConcurrentHashMap<>();
    /** Each TLS listener's TLS for the connections it accepts next: set at bind, replaced by {@link #updateTls}. */
    private final Map<String, ListenerTls> liveTls = new java.util.concurrent.ConcurrentHashMap<>();
    private ConnectionRegistry connections;
    private Transports transports;
    /**
     * The event loops: each TCP listener accepts on one of them, as nginx's workers and reactor-netty do,
     * and each connection is served on one. No separate acceptor thread: a connection's registration on
     * another thread cost a wake-up and two context switches, some 15 us of CPU per connection with one
     * loop (bench/README.md, "Accepting on the event loop").
     */
    private EventLoopGroup workers;
    private ExecutorService blocking;
    private final Map<String, ProtocolService> services = new LinkedHashMap<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Set once at start; read from the event loops without the lock (ACME challenges). */
    private volatile TlsService tls;
    private State state = State.NEW;
    private ServerMeters meters;
    private final Map<String, ListenerTls> listenerTls = new LinkedHashMap<>();
    private EventLoopGroup adminGroup;
    private Channel admin;
    private ChannelGroup adminConnections;
    /** The bound listeners once all are, until a stop begins; empty before and after: what /readyz reads. */
    private volatile List<Channel> serving = List.of();

    private enum State { NEW, STARTED, STOPPED }

    Server(ServerConfig config) {
        this.config = config;
    }

    /** Starts describing a server. */
    public static ServerBuilder builder() {
        return new ServerBuilder();
    }

    public ServerConfig config() {
        return config;
    }

    /**
     * Binds every listener, logs one line per listener with its real address, and writes the ready
     * file. On any failure everything bound so far is released and a {@link BerthException} names the
     * listener and the address.
     */
    public synchronized Server start() {
        if (state != State.NEW) {
            throw new IllegalStateException("a server starts once");
        }
        state = State.STARTED;
        try {
            transports = Transports.choose(config.ioTransport());
            log.info("transport {}", transports.displayName());
            connections = new ConnectionRegistry();
            int threads = config.eventLoopThreads() > 0 ? config.eventLoopThreads()
                    : Runtime.getRuntime().availableProcessors() * 2;
            workers = transports.newGroup(threads, "berth-io");
            // What Executors.newCachedThreadPool makes, as a type whose queue and active threads can be read.
            ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), new DefaultThreadFactory("berth-blocking", true));
            blocking = pool;
            meters = new ServerMeters(config.meterRegistry(), pool);
            ServerContext context = new Context(config.dataDirectory(), blocking, this);
            for (ProtocolModule m : config.modules().values()) {
                services.put(m.name(), m.start(context));
            }
            tls = new TlsService(config.dataDirectory(), ReloadMeters.of(config.meterRegistry()), config.meterRegistry());
            for (ListenerConfig l : config.listeners()) {
                bind(l, context);
            }
            Map<String, ReadyFile.Entry> ready = new LinkedHashMap<>();
            for (ListenerConfig l : config.listeners()) {
                InetSocketAddress a = localAddress(l.name());
                log.info("listening {} {}", l.name(), Addresses.uri(l.transport(), Addresses.host(a), a.getPort()));
                ready.put(l.name(), new ReadyFile.Entry(l.transport().scheme(), Addresses.host(a), a.getPort()));
            }
            serving = List.copyOf(bound.values());
            if (config.admin().enabled()) {
                bindAdmin(config.admin());
                InetSocketAddress a = localAddress(AdminConfig.NAME);
                log.info("listening {} {}://{}", AdminConfig.NAME, config.admin().tls().isPresent() ? "https" : "http",
                        Addresses.hostPort(Addresses.host(a), a.getPort()));
                ready.put(AdminConfig.NAME, new ReadyFile.Entry(Transport.TCP.scheme(), Addresses.host(a), a.getPort()));
            }
            tls.watchFiles(); // after the admin listener's TLS, if any, has joined the setups
            // After the listeners are bound: the challenges' answers need them.
            tls.startAcme(config.listeners().stream().anyMatch(l -> l.transport() == Transport.TCP
                    && l.tlsMode() == TlsMode.NONE && "http".equals(l.protocol())));
            config.readyFile().ifPresent(f -> ReadyFile.write(f, ready));
            return this;
        } catch (RuntimeException e) {
            release();
            stopServices();
            state = State.STOPPED;
            terminated.countDown();
            throw e;
        }
    }

    private void bind(ListenerConfig l, ServerContext context) {
        InetAddress host;
        try {
            host = InetAddress.getByName(l.host());
        } catch (UnknownHostException e) {
            throw new BerthException("listener " + l.name() + ": '" + l.host() + "' is not a valid address");
        }
        ProtocolModule module = config.modules().get(l.protocol());
        ProtocolService service = services.get(l.protocol());
        ChannelOption<Boolean> reusePort = transports.reusePortOption();
        if (l.reusePort() && reusePort == null) {
            throw new BerthException("listener " + l.name() + ": SO_REUSEPORT needs the epoll or io-uring transport, "
                    + "and this server runs on " + transports.displayName());
        }
        ChannelFuture f;
        if (l.transport() == Transport.TCP) {
            ListenerMeters connectionMeters = meters.listener(l.name(), l.protocol());
            Optional<TlsMeters> handshakeMeters = l.tlsMode() == TlsMode.NONE ? Optional.empty()
                    : Optional.of(new TlsMeters(config.meterRegistry(), l.name()));
            Optional<ListenerTls> listenerTls = tls.listener(l.name(), l.tlsMode(), l.tls(),
                    module.applicationProtocols(), handshakeMeters);
            listenerTls.ifPresent(t -> {
                this.listenerTls.put(l.name(), t);
                meters.certificateExpiry(l.name(), t::servedCertificates);
            });
            ConnectionLimiter limiter = new ConnectionLimiter(l.name(), l.limits(), connectionMeters);
            limiters.put(l.name(), limiter);
            liveLimits.put(l.name(), l.limits());
            listenerTls.ifPresent(t -> liveTls.put(l.name(), t));
            ServerBootstrap b = new ServerBootstrap()
                    .group(workers)
                    .channel(transports.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(l.limits().writeBufferLow(), l.limits().writeBufferHigh()))
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            initConnection(ch, l, service, context, listenerTls, limiter, connectionMeters);
                        }
                    });
            if (l.reusePort()) {
                b.option(reusePort, true);
            }
            f = b.bind(host, l.port());
        } else {
            DatagramSizeFilter filter = new DatagramSizeFilter(l.name(), l.limits().maxDatagramSize(),
                    meters.oversizeDatagrams(l.name()));
            datagramFilters.put(l.name(), filter);
            Bootstrap b = new Bootstrap()
                    .group(workers)
                    .channel(transports.datagramChannel())
                    .option(ChannelOption.RCVBUF_ALLOCATOR, datagramAllocator(l.limits().maxDatagramSize()))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            DefaultConnectionContext c = new DefaultConnectionContext(l, ch, context);
                            ch.attr(ConnectionContext.KEY).set(c);
                            ch.pipeline().addLast(PipelineNames.DATAGRAM_SIZE_LIMIT, filter);
                            service.initPipeline(ch.pipeline(), c);
                        }
                    });
            if (l.reusePort()) {
                b.option(reusePort, true);
            }
            f = b.bind(host, l.port());
        }
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            Throwable cause = f.cause();
            String why = bindFailure(cause);
            throw new BerthException("listener " + l.name() + ": cannot bind " + l.describeAddress() + ": " + why, cause);
        }
        bound.put(l.name(), f.channel());
        boundHosts.put(l.name(), host);
    }

    /**
     * Reads into buffers one byte larger than the limit, so that an oversized datagram shows as such
     * rather than truncated, and reads up to {@link #DATAGRAMS_PER_READ} datagrams per wake-up. A
     * {@code FixedRecvByteBufAllocator} set this way otherwise keeps its own default of one message per
     * read, which costs a wake-up and a separate send per datagram and halved the echo's rate.
     */
    static FixedRecvByteBufAllocator datagramAllocator(int maxDatagramSize) {
        FixedRecvByteBufAllocator a = new FixedRecvByteBufAllocator(maxDatagramSize + 1);
        a.maxMessagesPerRead(DATAGRAMS_PER_READ);
        return a;
    }

    /** The reason a bind failed, in the words people search for, without the native call's prefix. */
    private static String bindFailure(Throwable cause) {
        String m = cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
        if (m.contains("Address already in use")) {
            return "Address already in use";
        }
        if (m.contains("Cannot assign requested address")) {
            return "the address is not one of this machine's";
        }
        if (m.contains("Permission denied")) {
            return "Permission denied (ports below 1024 need privileges)";
        }
        int colon = m.lastIndexOf("): ");
        return colon >= 0 ? m.substring(colon + 3) : m;
    }

    private void initConnection(Channel ch, ListenerConfig l, ProtocolService service, ServerContext context,
                                Optional<ListenerTls> bound, ConnectionLimiter limiter, ListenerMeters meters) {
        Optional<ListenerTls> tls = bound.map(t -> liveTls.getOrDefault(l.name(), t));
        Limits limits = liveLimits.getOrDefault(l.name(), l.limits());
        // The context is also the idle timer and backpressure handler, which the pipeline holds: no channel attribute.
        DefaultConnectionContext c = new DefaultConnectionContext(l, ch, context, limits.idleTimeout());
        ChannelPipeline p = ch.pipeline();
        if (l.proxyProtocol().mode() != ProxyProtocol.OFF) {
            p.addLast(PipelineNames.PROXY_PROTOCOL, new ProxyProtocolHandler(l.proxyProtocol(), c, meters::rejectedUntrustedProxy));
        }
        tls.ifPresent(t -> {
            ch.attr(ListenerTls.KEY).set(t);
            TlsHandlers.installAtAccept(p, t);
        });
        p.addLast(PipelineNames.CONNECTION_LIMIT, limiter);
        if (limits != l.limits()) {
            ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(limits.writeBufferLow(), limits.writeBufferHigh()));
        }
        p.addLast(limits.idleTimeout().isZero() ? PipelineNames.BACKPRESSURE : PipelineNames.IDLE_TIMEOUT, c);
        // Counted and registered once its context is in the pipeline, where the registry finds it at the close: a
        // connection whose setup failed before is counted neither opened nor closed.
        meters.accepted();
        connections.add(c, limiter);
        if (tls.map(t -> t.mode() == TlsMode.IMPLICIT).orElse(false)) {
            p.addLast(PipelineNames.TLS_HANDSHAKE_GATE, new TlsHandshakeGate());
        }
        service.initPipeline(p, c);
        p.addLast(PipelineNames.TAIL, TailHandler.INSTANCE);
    }

    /** The real bound address of a listener: port 0 has become the ephemeral port. */
    public synchronized InetSocketAddress localAddress(String listener) {
        if (listener.equals(AdminConfig.NAME) && admin != null) {
            return (InetSocketAddress) admin.localAddress();
        }
        Channel ch = bound.get(listener);
        if (ch == null) {
            throw new IllegalArgumentException("no bound listener named '" + listener + "'");
        }
        InetSocketAddress real = (InetSocketAddress) ch.localAddress();
        InetAddress configured = boundHosts.get(listener);
        // A native socket bound to 0.0.0.0 reports the IPv6 wildcard; say what was asked for, with the real port.
        if (real.getAddress() != null && real.getAddress().isAnyLocalAddress() && configured != null) {
            return new InetSocketAddress(configured, real.getPort());
        }
        return real;
    }

    /** Every listener's real address, in configuration order. */
    public synchronized Map<String, InetSocketAddress> localAddresses() {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        for (String name : bound.keySet()) {
            out.put(name, localAddress(name));
        }
        return out;
    }

    /** The engine in use once started: epoll, io_uring or NIO. */
    public synchronized IoTransport ioTransport() {
        if (transports == null) {
            throw new IllegalStateException("not started");
        }
        return transports.kind();
    }

    /** Connections a listener has closed at once for being over a connection limit. */
    public synchronized long refusedConnections(String listener) {
        Admission a = admissions.get(listener);
        ConnectionLimiter l = a != null ? a.limiter() : limiters.get(listener);
        return l == null ? 0 : l.refused();
    }

    /** Datagrams a UDP listener has dropped for being over its size limit. */
    public synchronized long droppedDatagrams(String listener) {
        DatagramSizeFilter f = datagramFilters.get(listener);
        return f == null ? 0 : f.dropped();
    }

    /**
     * Loads the certificate and key files of every TLS listener again, now (what SIGHUP does): new
     * connections get the new material; open ones keep theirs; a setup whose new files are bad keeps
     * serving its old material. Listeners with equal TLS settings share one setup.
     *
     * @return what happened to each setup with files, also logged; empty when the server is not running
     */
    public List<TlsReload> reloadTls() {
        TlsService service;
        synchronized (this) {
            if (state != State.STARTED) {
                // A SIGHUP that arrives while the server stops is no error worth a stack trace.
                log.info("TLS reload asked for while the server is not running: nothing to reload");
                return List.of();
            }
            service = tls;
        }
        return service.reload();
    }

    /**
     * Gives a running TCP listener new limits (connections in total and per client address, idle
     * timeout, write buffer) for the connections it accepts from now on; open connections keep the idle
     * timeout and buffer they started with, and count towards the new connection limits. What SIGHUP
     * does when the configuration's limits change.
     *
     * @return false when no TCP listener of that name is running (UDP listeners keep their limits)
     */
    public synchronized boolean updateLimits(String listener, Limits limits) {
        java.util.Objects.requireNonNull(limits, "limits");
        ConnectionLimiter limiter = limiters.get(listener);
        if (state != State.STARTED || limiter == null) {
            return false;
        }
        limiter.limits(limits);
        liveLimits.put(listener, limits);
        log.info("listener {}: limits for new connections: {}", listener, limits);
        return true;
    }

    /**
     * Gives every running TLS listener new TLS settings (other certificate files, policy, ciphers,
     * client authentication ...) for the connections it accepts from now on; open connections keep
     * theirs. The new material is loaded and checked for every listener before any is switched, so
     * bad settings change nothing. The file watch keeps watching the files given at start; SIGHUP
     * ({@link #reloadTls()}) reloads the new ones. What SIGHUP does when the TLS settings changed.
     *
     * @return the listeners switched; empty when none has TLS or the server is not running
     * @throws BerthException naming the file or setting when the new material is bad
     */
    public synchronized List<String> updateTls(dev.berth.core.tls.TlsConfig updated) {
        java.util.Objects.requireNonNull(updated, "updated");
        if (state != State.STARTED) {
            return List.of();
        }
        Map<String, ListenerTls> next = new LinkedHashMap<>();
        for (ListenerConfig l : config.listeners()) {
            if (liveTls.containsKey(l.name())) {
                List<String> alpn = config.modules().get(l.protocol()).applicationProtocols();
                tls.listener(l.name(), l.tlsMode(), updated, alpn).ifPresent(t -> next.put(l.name(), t));
            }
        }
        liveTls.putAll(next);
        if (!next.isEmpty()) {
            log.info("TLS settings replaced for new connections of {}", String.join(", ", next.keySet()));
        }
        return List.copyOf(next.keySet());
    }

    /**
     * Hands a running module's service the module {@code updated} (same name, made from re-read
     * configuration) through {@link ProtocolService#reconfigure}; what SIGHUP does for a module whose
     * reloadable options changed.
     *
     * @return true when the service took the new settings; false when the server is not running, has
     *         no module of that name, or the module can change nothing live
     * @throws BerthException when the service refuses the new settings; it keeps the old ones
     */
    public boolean reconfigure(ProtocolModule updated) {
        ProtocolService service;
        synchronized (this) {
            service = state == State.STARTED ? services.get(updated.name()) : null;
        }
        return service != null && service.reconfigure(updated);
    }

    /**
     * Stops gracefully within the configured shutdown timeout.
     *
     * @return true when every connection finished before the deadline, false when the deadline cut some
     */
    public boolean stop() {
        return stop(config.shutdownTimeout());
    }

    /**
     * Stops accepting, sends {@link Drain#EVENT} through every live connection, waits up to the
     * deadline for them to close, then closes what is left (logging, per connection, what its protocol
     * said was in flight) and releases the event loops.
     *
     * @return true when every connection finished before the deadline, false when the deadline cut some
     */
    public boolean stop(Duration deadline) {
        List<Channel> servers;
        synchronized (this) {
            if (state == State.NEW) {
                state = State.STOPPED;
                terminated.countDown();
            }
            if (state != State.STARTED) {
                return true;
            }
            state = State.STOPPED;
            servers = new ArrayList<>(bound.values());
            // /readyz answers 503 from here on, while the admin listener stays open through the drain.
            serving = List.of();
            meters.draining();
        }
        long end = System.nanoTime() + deadline.toNanos();
        // Each listener closes on its event loop: all are asked first, then each awaited within the
        // deadline, so that a loop a handler keeps busy cannot hold the stop before the drain begins.
        List<ChannelFuture> closing = new ArrayList<>();
        for (Channel ch : servers) {
            if (!(ch instanceof io.netty.channel.socket.DatagramChannel)) {
                closing.add(ch.close());
            }
        }
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        int live = connections.size();
        if (live > 0) {
            log.info("stopping: draining {} connection(s), up to {}", live, deadline);
        }
        connections.fireUserEvent(Drain.EVENT);
        while (connections.size() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean clean = connections.size() == 0;
        if (!clean) {
            DrainReport cut = DrainReport.of(connections.snapshot());
            log.warn("stopping: the {} drain deadline cuts {}", deadline, cut.summary());
            for (String line : cut.details()) {
                log.warn("stopping: cut {}", line);
            }
            connections.closeAll(2000);
        } else if (live > 0) {
            log.info("stopping: every connection finished within the drain deadline");
        }
        for (Channel ch : servers) {
            ch.close().awaitUninterruptibly();
        }
        synchronized (this) {
            closeAdmin();
            release();
        }
        stopServices();
        log.info("stopped");
        terminated.countDown();
        return clean;
    }

    private void stopServices() {
        for (Map.Entry<String, ProtocolService> e : services.entrySet()) {
            try {
                e.getValue().stop();
            } catch (RuntimeException ex) {
                log.warn("module {} failed to stop cleanly: {}", e.getKey(), ex.toString());
            }
        }
        services.clear();
    }

    /**
     * Blocks until this server has stopped (by {@link #stop()} from another thread, or on JVM shutdown
     * after {@link #stopOnShutdown()}). Berth's threads are daemon threads, so an application's
     * {@code main} calls this to stay up.
     */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Like {@link #awaitTermination()}, up to {@code timeout}; true when the server has stopped. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops this server gracefully (within its shutdown timeout) when the JVM shuts down: on SIGTERM,
     * SIGINT or {@code System.exit}. Returns this server, for chaining after {@link #start()}.
     */
    public Server stopOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "berth-shutdown"));
        return this;
    }

    private void release() {
        closeAdmin();
        if (meters != null) {
            meters.close();
        }
        if (tls != null) {
            tls.close();
        }
        for (Channel ch : bound.values()) {
            ch.close();
        }
        if (connections != null) {
            connections.closeAll(0);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (blocking != null) {
            blocking.shutdownNow();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Binds the admin listener on its own event loop, so that a scrape never delays a connection of the
     * served protocols, and its connections in their own group, so that the drain does not wait for them.
     */
    private void bindAdmin(AdminConfig a) {
        InetAddress host;
        try {
            host = InetAddress.getByName(a.host());
        } catch (UnknownHostException e) {
            throw new BerthException("admin listener: '" + a.host() + "' is not a valid address", "admin.host");
        }
        Optional<ListenerTls> adminTls = a.tls().isEmpty() ? Optional.empty()
                : tls.listener(AdminConfig.NAME, TlsMode.IMPLICIT, a.tls().get(), List.of());
        adminGroup = transports.newGroup(1, "berth-admin");
        adminConnections = new DefaultChannelGroup("berth-admin", GlobalEventExecutor.INSTANCE);
        AdminHandler handler = new AdminHandler(new Status(), a.bearerToken().map(s -> s.reveal()).orElse(null));
        ChannelFuture f = new ServerBootstrap()
                .group(adminGroup)
                .channel(transports.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new AdminInitializer(adminTls, handler, adminConnections))
                .bind(host, a.port()).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new BerthException("listener " + AdminConfig.NAME + ": cannot bind "
                    + Addresses.hostPort(a.host(), a.port()) + ": " + bindFailure(f.cause()), f.cause());
        }
        admin = f.channel();
    }

    private void closeAdmin() {
        if (admin != null) {
            admin.close().awaitUninterruptibly();
            admin = null;
        }
        if (adminConnections != null) {
            adminConnections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            adminConnections = null;
        }
        if (adminGroup != null) {
            adminGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            adminGroup = null;
        }
    }

    private static String version() {
        String v = Server.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    /** A UDP listener's limits and meters for the connections its module admits. */
    private record Admission(ConnectionLimiter limiter, ListenerMeters meters) {
    }

    /** {@link ServerContext#admit}: refused while stopping, else counted, metered and drained like a TCP connection. */
    private boolean admit(Channel connection) {
        if (!(ConnectionContext.of(connection) instanceof DefaultConnectionContext)) {
            // counted and released through the context core made: another would leave its counts raised for good
            throw new IllegalArgumentException("admit needs the channel's context from ConnectionContext.accepted, not "
                    + ConnectionContext.of(connection).getClass().getName());
        }
        ListenerConfig l = ConnectionContext.of(connection).listener();
        // serving is empty until every listener is bound and from the moment a stop begins
        if (serving.isEmpty() || l.transport() != Transport.UDP || !config.listeners().contains(l)) {
            return false;
        }
        // made at the first connection, so that UDP listeners whose module admits none have no connection meters
        Admission a = admissions.computeIfAbsent(l.name(), n -> {
            ListenerMeters m = meters.listener(n, l.protocol());
            return new Admission(new ConnectionLimiter(n, l.limits(), m), m);
        });
        if (!a.limiter().admit(connection)) {
            return false;
        }
        a.meters().accepted();
        connections.add((DefaultConnectionContext) ConnectionContext.of(connection), a.limiter());
        if (serving.isEmpty()) {
            // a stop began between the check above and the add, and may have sent its drain before this connection
            // was in the registry: send it here (a second one is ignored), so that it is not left to the deadline
            connection.pipeline().fireUserEventTriggered(Drain.EVENT);
        }
        return true;
    }

    /** A bound listener as /info shows it; {@code tls} is null without TLS. */
    private record Listed(ListenerConfig config, InetSocketAddress address, ListenerTls tls) {
    }

    /** What the admin listener reads: readiness, the /info document and the Prometheus registry. */
    private final class Status implements AdminStatus {
        private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus =
                Registries.prometheus(config.meterRegistry()).orElseThrow(); // ServerBuilder made sure of one
        /**
         * The listeners as bound, taken once at start: the admin thread never takes the server's lock, which a
         * stop holds while it waits for that thread to end.
         */
        private final List<Listed> listed = new ArrayList<>();

        Status() {
            for (ListenerConfig l : config.listeners()) {
                listed.add(new Listed(l, localAddress(l.name()), listenerTls.get(l.name())));
            }
        }

        @Override
        public boolean ready() {
            List<Channel> s = serving;
            return !s.isEmpty() && s.stream().allMatch(Channel::isActive);
        }

        @Override
        public String info() {
            List<InfoJson.Listener> out = new ArrayList<>();
            for (Listed l : listed) {
                out.add(new InfoJson.Listener(l.config.name(), l.config.transport().scheme(), Addresses.host(l.address),
                        l.address.getPort(), l.config.protocol(), l.config.transport() == Transport.UDP ? "none"
                        : l.config.tlsMode().name().toLowerCase(Locale.ROOT),
                        l.tls == null ? Map.of() : l.tls.servedCertificates()));
            }
            return InfoJson.render(version(), out, Instant.now());
        }

        @Override
        public Scrape scrape(String accept) {
            String type = accept.contains("application/openmetrics-text")
                    ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                    : "text/plain; version=0.0.4; charset=utf-8";
            if (meters != null) {
                meters.awaitJvmMeters(); // bound beside the start-up: wait for them at the first scrape, once
            }
            return new Scrape(type, prometheus.scrape(type));
        }
    }

    private static final class Context implements ServerContext {
        private final Path dataDirectory;
        private final ExecutorService blocking;
        private final Server server;

        Context(Path dataDirectory, ExecutorService blocking, Server server) {
            this.dataDirectory = dataDirectory;
            this.blocking = blocking;
            this.server = server;
        }

        @Override
        public java.util.Optional<InetSocketAddress> listenerAddress(String listener) {
            // without the server's lock: called on event loops while start() may hold it (see bound)
            Channel ch = server.bound.get(listener);
            return ch == null ? java.util.Optional.empty()
                    : java.util.Optional.of((InetSocketAddress) ch.localAddress());
        }

        @Override
        public java.util.List<ListenerConfig> listeners() {
            return server.config.listeners();
        }

        @Override
        public Path dataDirectory() {
            return dataDirectory;
        }

        @Override
        public io.micrometer.core.instrument.MeterRegistry meterRegistry() {
            return server.config.meterRegistry();
        }

        @Override
        public ExecutorService blockingExecutor() {
            return blocking;
        }

        @Override
        public boolean admit(Channel connection) {
            return server.admit(connection);
        }

        @Override
        public java.util.Optional<dev.berth.core.tls.TlsGeneration> tlsMaterial(String listener) {
            return java.util.Optional.ofNullable(server.liveTls.get(listener)).map(ListenerTls::material);
        }

        @Override
        public java.util.Optional<String> acmeHttpChallenge(String token) {
            TlsService t = server.tls; // volatile: no lock on the event loop (see bound)
            return t == null ? java.util.Optional.empty() : t.acmeChallenges().http01(token);
        }
    }
}
