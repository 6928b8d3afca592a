package dev.berth.smtp.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a {@link BerthSmtpExtension} with its defaults for the annotated test class (once, before
 * all its tests) and hands it to any test or lifecycle method that takes a {@code BerthSmtpExtension}
 * parameter: its port, its certificates and the messages it received.
 *
 * <pre>{@code
 * @BerthSmtp
 * class ReportMailTest {
 *     @Test
 *     void theReportGoesToOps(BerthSmtpExtension smtp) throws Exception { ... }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(BerthSmtpParameters.class)
public @interface BerthSmtp {
}
