package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import io.netty.channel.DefaultEventLoop;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ServiceLoader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Berth's own logging set-up ({@link DefaultLogging}), found as logback finds it in the deployed jars (a service):
 * the HTTP access log's lines reach standard output as they are (Combined Log Format, no log prefix), follow the
 * root level, and become JSON objects with {@code --log-format json} like every other line; those logged on an event
 * loop are written together when the loop's turn ends.
 */
class AccessLogOutputTest {
    private static final String LINE = "127.0.0.1 - - [03/Dec/2026:12:00:00 +0000] \"GET /a.txt HTTP/1.1\" 200 12 \"-\" "
            + "\"curl/7.88.1\" HTTP/1.1 0ms complete";
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream saved;
    private LoggerContext context;

    @BeforeEach
    void configure() throws Exception {
        saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's own start-up sets
        DefaultLogging.apply(context);
    }

    @AfterEach
    void restore() {
        context.stop();
        System.setOut(saved);
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anAccessLineIsPrintedAsItIsAndBerthsOwnLinesKeepTheirPrefix() {
        context.getLogger("berth.http.access").info(LINE);
        context.getLogger("dev.berth.core.Server").info("listening http tcp://127.0.0.1:8080");
        String[] lines = printed().split("\n");
        assertEquals(2, lines.length, printed());
        assertEquals(LINE, lines[0]);
        assertTrue(lines[1].matches("\\d{4}-\\d{2}-\\d{2} [\\d:.]+ INFO  \\[.*\\] dev\\.berth\\.core\\.Server - listening .*"), lines[1]);
    }

    /** Standard output that counts the writes reaching it. */
    private static final class CountingOut extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger writes = new AtomicInteger();

        @Override
        public synchronized void write(int b) {
            writes.incrementAndGet();
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.incrementAndGet();
            bytes.write(b, off, len);
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void linesLoggedInOneTurnOfAnEventLoopAreWrittenTogetherInOrderWhenTheTurnEnds() throws Exception {
        CountingOut counting = new CountingOut();
        System.setOut(new PrintStream(counting, false, StandardCharsets.UTF_8));
        ch.qos.logback.classic.Logger access = context.getLogger("berth.http.access");
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            int duringTheTurn = loop.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    access.info(LINE + " " + i);
                }
                return counting.writes.get();
            }).get();
            assertEquals(0, duringTheTurn, "nothing is written while the turn goes on");
            loop.submit(() -> { }).get(); // queued behind the turn's write
            assertEquals(1, counting.writes.get(), "one write for the turn's 50 lines");
            String[] lines = counting.text().split("\n");
            assertEquals(50, lines.length);
            for (int i = 0; i < 50; i++) {
                assertEquals(LINE + " " + i, lines[i]);
            }

            // a turn that gathers more than the limit writes before its end, and loses nothing
            int big = LoopBatchedConsoleAppender.MAX_GATHERED / LINE.length() + 10;
            int early = loop.submit(() -> {
                for (int i = 0; i < big; i++) {
                    access.info(LINE);
                }
                return counting.writes.get();
            }).get();
            assertTrue(early > 1, "written before the turn ended: " + early);
            loop.submit(() -> { }).get();
            assertEquals(50 + big, counting.text().split("\n").length);

            // stopping the logging, from another thread while a turn has gathered lines, writes them
            java.util.concurrent.CountDownLatch gatheredOne = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
            io.netty.util.concurrent.Future<?> turn = loop.submit(() -> {
                access.info(LINE + " last");
                gatheredOne.countDown();
                stopped.await();
                return null;
            });
            gatheredOne.await();
            context.stop();
            assertTrue(counting.text().endsWith(LINE + " last\n"), "written at the stop");
            stopped.countDown();
            turn.get();
        } finally {
            loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void onANioEventLoopAsInTheServerATurnIsOneWriteAndAnEndingLoopWritesEverythingAndIsForgotten() throws Exception {
        CountingOut counting = new CountingOut();
        System.setOut(new PrintStream(counting, false, StandardCharsets.UTF_8));
        ch.qos.logback.classic.Logger access = context.getLogger("berth.http.access");
        LoopBatchedConsoleAppender appender = (LoopBatchedConsoleAppender) access.getAppender(DefaultLogging.ACCESS);
        io.netty.channel.EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
                io.netty.channel.nio.NioIoHandler.newFactory());
        io.netty.channel.EventLoop loop = group.next();
        loop.submit(() -> {
            for (int i = 0; i < 20; i++) {
                access.info(LINE + " " + i);
            }
        }).get();
        loop.submit(() -> { }).get();
        assertEquals(1, counting.writes.get(), "one write for the turn's 20 lines");
        assertEquals(1, appender.gatheringLoops());

        // the stop: lines of a turn during which the loop starts shutting down come out whole and in order
        java.util.concurrent.CountDownLatch gathered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch shuttingDown = new java.util.concurrent.CountDownLatch(1);
        loop.execute(() -> {
            access.info(LINE + " before the stop");
            gathered.countDown();
            try {
                shuttingDown.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            access.info(LINE + " during the stop");
        });
        gathered.await();
        io.netty.util.concurrent.Future<?> end = group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        shuttingDown.countDown();
        end.sync();
        String[] lines = counting.text().split("\n");
        assertEquals(22, lines.length, counting.text());
        assertEquals(LINE + " before the stop", lines[20]);
        assertEquals(LINE + " during the stop", lines[21]);
        for (int i = 0; i < 50 && appender.gatheringLoops() > 0; i++) {
            Thread.sleep(10); // the termination listener runs just after the loop's end
        }
        assertEquals(0, appender.gatheringLoops(), "an ended loop is forgotten");
    }

    @Test
    void theAccessLogFollowsTheRootLevel() {
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        context.getLogger("berth.http.access").info(LINE);
        assertEquals("", printed());
    }

    @Test
    void withJsonEveryLineTheAccessLogsToIsAJsonObject() {
        LogSetup.useJson(context, context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
        context.getLogger("berth.http.access").info(LINE);
        String[] lines = printed().split("\n");
        assertEquals(1, lines.length, printed());
        assertTrue(lines[0].startsWith("{\"timestamp\":") && lines[0].endsWith("}"), lines[0]);
        assertTrue(lines[0].contains("\"loggerName\":\"berth.http.access\""), lines[0]);
        assertTrue(lines[0].contains("\"formattedMessage\":\"127.0.0.1 - - [03\\/Dec\\/2026"), lines[0]);
    }

    @Test
    void logbackFindsBerthsSetUpAsAServiceAndItStandsAsideForALogbackFileOnTheClassPath() {
        Configurator found = null;
        for (Configurator c : ServiceLoader.load(Configurator.class)) {
            assertEquals(null, found, "one configurator named");
            found = c;
        }
        assertTrue(found instanceof DefaultLogging, String.valueOf(found));
        // this module's tests have a logback-test.xml, as an application embedding Berth has its own file
        LoggerContext other = new LoggerContext();
        found.setContext(other);
        assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, found.configure(other));
        assertTrue(other.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(DefaultLogging.CONSOLE) == null);
        other.stop();

        // as in the deployed jars, where no such file is on the class path: Berth's set-up is made, and is the last
        LoggerContext jar = new LoggerContext();
        ClassLoader noLogbackFile = new ClassLoader(null) { };
        assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, DefaultLogging.configure(jar, noLogbackFile));
        ch.qos.logback.classic.Logger root = jar.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.INFO, root.getLevel());
        assertTrue(root.getAppender(DefaultLogging.CONSOLE) != null);
        assertTrue(jar.getLogger(DefaultLogging.ACCESS_LOGGER).getAppender(DefaultLogging.ACCESS) != null);
        assertEquals(Level.WARN, jar.getLogger("io.netty").getLevel());
        jar.stop();
    }
}
