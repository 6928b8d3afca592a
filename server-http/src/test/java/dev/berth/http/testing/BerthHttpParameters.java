package dev.berth.http.testing;

import dev.berth.http.HttpModule;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** What {@link BerthHttp} registers: one server per test class, given to methods that ask for it. */
final class BerthHttpParameters implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(BerthHttpParameters.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        BerthHttpExtension http = BerthHttpExtension.of(module(context.getRequiredTestClass()));
        http.start();
        context.getStore(NS).put("server", http);
    }

    private static HttpModule module(Class<?> testClass) throws Exception {
        for (Class<?> c = testClass; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(BerthHttp.Module.class)) {
                    continue;
                }
                if (!Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0
                        || !HttpModule.class.isAssignableFrom(m.getReturnType())) {
                    throw new ExtensionConfigurationException("@BerthHttp.Module method " + m
                            + " must be static, take no arguments and return an HttpModule");
                }
                m.setAccessible(true);
                return (HttpModule) m.invoke(null);
            }
        }
        return new HttpModule();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        BerthHttpExtension http = context.getStore(NS).remove("server", BerthHttpExtension.class);
        if (http != null) {
            http.stop();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BerthHttpExtension.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NS).get("server", BerthHttpExtension.class);
    }
}
