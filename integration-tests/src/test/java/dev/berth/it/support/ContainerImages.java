package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.exception.NotFoundException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The images .ci/docker-up.sh builds from .ci/docker/NAME (tag {@code local/berth-NAME:1}), as
 * containers on the host's network that never ask a registry for anything.
 */
public final class ContainerImages {
    /** curl with HTTP/2 and TLS. */
    public static final String CURL = "curl";
    /** swaks with STARTTLS. */
    public static final String SWAKS = "swaks";
    /** openssl s_client. */
    public static final String OPENSSL = "openssl";
    /** A Java 17 runtime for a Berth module jar. */
    public static final String JRE = "jre";

    private ContainerImages() {
    }

    /** A container of the image built from .ci/docker/{@code name}; a missing image fails the test. */
    public static GenericContainer<?> container(String name) {
        String tag = "local/berth-" + name + ":1";
        try {
            DockerClientFactory.instance().client().inspectImageCmd(tag).exec();
        } catch (NotFoundException e) {
            fail("the image " + tag + " is missing: run .ci/docker-up.sh (it builds .ci/docker/" + name + ")");
        }
        return new GenericContainer<>(DockerImageName.parse(tag))
                // Host networking: the container reaches servers bound on 127.0.0.1, and no bridge exists.
                .withNetworkMode("host")
                // There is no registry to pull from; the image must be local.
                .withImagePullPolicy(image -> false);
    }
}
