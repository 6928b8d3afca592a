package dev.berth.http.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a {@link BerthHttpExtension} for the annotated test class (once, before all its tests) and
 * hands it to any test or lifecycle method that takes a {@code BerthHttpExtension} parameter: the base
 * URLs and a client that trusts the generated certificate. The module served is what the class's
 * static method annotated {@link Module} returns, or the default {@code HttpModule} (the welcome page).
 *
 * <pre>{@code
 * @BerthHttp
 * class ApiTest {
 *     @BerthHttp.Module
 *     static HttpModule api() {
 *         return HttpModule.builder().get("/hello", req -> HttpResponse.text("hi")).build();
 *     }
 *
 *     @Test
 *     void saysHi(BerthHttpExtension http) throws Exception { ... http.client() ... http.httpsUri("/hello") ... }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(BerthHttpParameters.class)
public @interface BerthHttp {

    /** Marks the static, argument-less method that makes the {@code HttpModule} to serve. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface Module {
    }
}
