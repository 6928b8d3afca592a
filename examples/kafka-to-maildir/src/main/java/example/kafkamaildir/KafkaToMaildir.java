package example.kafkamaildir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the messages Berth's Kafka store committed to a topic and delivers each into a Maildir, once:
 * the record's key (Berth's queue id) names the file, so a record read again (after a crash before the
 * offsets were committed, or a rebalance) finds its file there and is skipped. Offsets are committed
 * only after every file of a poll is fsynced and renamed into {@code new/}, and {@code new/} is fsynced:
 * at least once from the topic, exactly once in the Maildir.
 *
 * <p>Usage: {@code KafkaToMaildir BOOTSTRAP TOPIC MAILDIR [GROUP]}; stops on SIGTERM.
 */
public final class KafkaToMaildir {

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: KafkaToMaildir BOOTSTRAP TOPIC MAILDIR [GROUP]");
            System.exit(2);
        }
        Path maildir = Path.of(args[2]);
        for (String sub : List.of("tmp", "new", "cur")) {
            Files.createDirectories(maildir.resolve(sub));
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, args.length > 3 ? args[3] : "berth-maildir");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"); // committed by hand, after the fsync
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.wakeup(); // the poll below throws WakeupException
            try {
                stopped.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        try (consumer) {
            consumer.subscribe(List.of(args[1]));
            while (true) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofSeconds(1));
                boolean wrote = false;
                for (ConsumerRecord<String, byte[]> r : records) {
                    wrote |= deliver(maildir, r.key(), r.value());
                }
                if (wrote) {
                    fsync(maildir.resolve("new"));
                }
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException stopping) {
            // SIGTERM: offsets of what was written are committed; the rest is read again next time
        } finally {
            stopped.countDown();
        }
    }

    /** Writes one message under its queue id, unless it is there already; true when a file was added. */
    static boolean deliver(Path maildir, String queueId, byte[] message) throws IOException {
        if (queueId == null || !queueId.matches("[A-Za-z0-9]+")) {
            throw new IOException("not a Berth queue id: " + queueId); // a file name must never come from elsewhere
        }
        if (Files.exists(maildir.resolve("new").resolve(queueId)) || inCur(maildir, queueId)) {
            System.out.println("skipped " + queueId + " (already delivered)");
            return false;
        }
        Path tmp = maildir.resolve("tmp").resolve(queueId);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(message);
            while (b.hasRemaining()) {
                out.write(b);
            }
            out.force(true);
        }
        Files.move(tmp, maildir.resolve("new").resolve(queueId), StandardCopyOption.ATOMIC_MOVE);
        System.out.println("delivered " + queueId + " (" + message.length + " octets)");
        return true;
    }

    /** A mail reader moves a read message to cur/, adding ":2,FLAGS" to its name. */
    private static boolean inCur(Path maildir, String queueId) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(maildir.resolve("cur"), queueId + ":*")) {
            return s.iterator().hasNext();
        }
    }

    private static void fsync(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private KafkaToMaildir() {
    }
}
