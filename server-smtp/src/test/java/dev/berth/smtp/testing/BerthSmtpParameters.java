package dev.berth.smtp.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** What {@link BerthSmtp} registers: one server per test class, given to methods that ask for it. */
final class BerthSmtpParameters implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(BerthSmtpParameters.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        BerthSmtpExtension smtp = BerthSmtpExtension.create();
        smtp.start();
        context.getStore(NS).put("server", smtp);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        BerthSmtpExtension smtp = context.getStore(NS).remove("server", BerthSmtpExtension.class);
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BerthSmtpExtension.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NS).get("server", BerthSmtpExtension.class);
    }
}
