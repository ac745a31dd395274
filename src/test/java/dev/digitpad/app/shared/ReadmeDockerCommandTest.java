package dev.digitpad.app.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.ui.ServerPane;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Issue 16, bug 12: the Server tab's docker hint and the README mounted different folders. Both come from
 * {@link ServerPane#dockerCommand(Path)}: the window's with the model it runs with, the README's with the folder a
 * source checkout's build puts the model in.
 */
class ReadmeDockerCommandTest {
    private static final Path CHECKOUT = Path.of("").toAbsolutePath();

    @Test
    void theReadmesDockerLineIsTheWindowsForTheModelTheBuildShips() throws Exception {
        Path model = shippedModelOf(CHECKOUT.resolve("target/digitpad"));
        assertThat(CHECKOUT.relativize(model)).isEqualTo(Path.of("target", "digitpad", "models", "mnist"));
        String readme = Files.readString(CHECKOUT.resolve("README.md")).replaceAll(" *\\\\\\n\\s*", " ");
        String forTheCheckout = ServerPane.dockerCommand(model).replace(CHECKOUT + "/", "$PWD/");
        assertThat(forTheCheckout).contains("source=$PWD/target/digitpad/models/mnist,");
        assertThat(readme).contains(forTheCheckout);
    }

    @Test
    void theBuildPutsTheShippedModelWhereTheLauncherLooks() throws Exception {
        // The assembly copies assets/models to target/digitpad/models; bin/digitpad names target/digitpad as the
        // installation (digitpad.home), under which AppPaths finds models/mnist.
        Element assembly = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(CHECKOUT.resolve("src/assembly/distribution.xml").toFile())
                .getDocumentElement();
        NodeList sets = assembly.getElementsByTagName("fileSet");
        String modelsGoTo = null;
        for (int i = 0; i < sets.getLength(); i++) {
            Element set = (Element) sets.item(i);
            if (text(set, "directory").equals("assets/models")) {
                modelsGoTo = text(set, "outputDirectory");
            }
        }
        assertThat(modelsGoTo).isEqualTo("models");
        assertThat(Files.readString(CHECKOUT.resolve("pom.xml")))
                .contains("<descriptor>src/assembly/distribution.xml</descriptor>")
                .contains("<finalName>digitpad</finalName>");
        assertThat(Files.readString(CHECKOUT.resolve("src/dist/bin/digitpad")))
                .contains("-D" + AppPaths.HOME_PROPERTY + "=\"$APP_HOME\"");
        assertThat(CHECKOUT.resolve("assets/models/mnist")).isDirectory();
    }

    @Test
    void aFolderWithSpacesOrCommasStaysOneMountSource() {
        assertThat(ServerPane.dockerCommand(Path.of("/opt/digitpad/lib/app/models/mnist")))
                .isEqualTo("docker run -p 8500:8500 -p 8501:8501 --mount"
                        + " type=bind,source=/opt/digitpad/lib/app/models/mnist,target=/models/mnist"
                        + " -e MODEL_NAME=mnist -t tensorflow/serving");
        assertThat(ServerPane.dockerCommand(Path.of("/home/a b/it's/models/mnist")))
                .contains("--mount 'type=bind,source=/home/a b/it'\\''s/models/mnist,target=/models/mnist'");
        assertThat(ServerPane.dockerCommand(Path.of("/data/x,y/mnist")))
                .contains("--mount 'type=bind,\"source=/data/x,y/mnist\",target=/models/mnist'");
    }

    /** The shipped model of an installation in {@code home}, as the launcher's digitpad.home makes AppPaths find it. */
    private static Path shippedModelOf(Path home) {
        String before = System.getProperty(AppPaths.HOME_PROPERTY);
        System.setProperty(AppPaths.HOME_PROPERTY, home.toString());
        try {
            return AppPaths.shippedModel();
        } finally {
            if (before == null) {
                System.clearProperty(AppPaths.HOME_PROPERTY);
            } else {
                System.setProperty(AppPaths.HOME_PROPERTY, before);
            }
        }
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().strip();
    }
}
