package dev.berth.it.support;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Says out loud why container tests do not run: on a developer machine without Docker they are
 * skipped with one log line; in CI ({@code CI=true}) a missing engine is an error, never a skip,
 * because .ci/docker-up.sh must have started one.
 */
public final class DockerNotice implements ExecutionCondition {
    private static final Logger log = LoggerFactory.getLogger(DockerNotice.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return ConditionEvaluationResult.enabled("a Docker engine answers");
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but no Docker engine answers: .ci/docker-up.sh should have "
                    + "started one (see its log under /tmp/ci-docker)");
        }
        String why = "no Docker engine answers: skipping the container tests of " + context.getDisplayName()
                + " (start one with .ci/docker-up.sh as root)";
        log.warn(why);
        return ConditionEvaluationResult.disabled(why);
    }
}
