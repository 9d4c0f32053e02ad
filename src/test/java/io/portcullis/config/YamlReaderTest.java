package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.YamlNode.Kind;
import io.portcullis.config.YamlNode.Mapping;
import io.portcullis.config.YamlNode.Position;
import io.portcullis.config.YamlNode.Scalar;
import io.portcullis.config.YamlNode.Sequence;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class YamlReaderTest {

    @Test
    void keepsThePositionOfEveryKeyAndValue() throws Exception {
        Problems problems = new Problems("t.yaml");
        Mapping root = (Mapping) YamlReader.read("""
                forwards:
                  - name: camera
                    listen: 8080
                    targets: [a:1, "b:2"]
                """, problems).orElseThrow();

        assertThat(problems.isEmpty()).isTrue();
        var forwards = root.entry("forwards").orElseThrow();
        assertThat(forwards.keyAt()).isEqualTo(new Position(1, 1));
        Sequence list = (Sequence) forwards.value();
        Mapping camera = (Mapping) list.items().get(0);
        assertThat(camera.at()).as("a block item is located at its dash").isEqualTo(new Position(2, 3));
        var listen = camera.entry("listen").orElseThrow();
        assertThat(listen.keyAt()).isEqualTo(new Position(3, 5));
        assertThat(listen.value()).isEqualTo(new Scalar(new Position(3, 13), Kind.INTEGER, "8080", BigInteger.valueOf(8080)));
        Sequence targets = (Sequence) camera.entry("targets").orElseThrow().value();
        assertThat(targets.items()).extracting(YamlNode::at).containsExactly(new Position(4, 15), new Position(4, 20));
    }

    @Test
    void readsNothingFromAnEmptyText() throws Exception {
        assertThat(YamlReader.read("", new Problems("t.yaml"))).isEmpty();
    }

    @Test
    void reportsDuplicateKeysAndKeepsTheFirst() throws Exception {
        Problems problems = new Problems("t.yaml");
        Mapping root = (Mapping) YamlReader.read("a: 1\nb: 2\na: 3\n", problems).orElseThrow();

        assertThat(((Scalar) root.entry("a").orElseThrow().value()).text()).isEqualTo("1");
        assertThatThrownBy(problems::throwIfAny).hasMessage("t.yaml:3:1: duplicate key 'a' (first on line 1; expected: each key once per block)");
    }

    @Test
    void turnsSyntaxErrorsIntoOneShortProblem() {
        Problems problems = new Problems("t.yaml");

        assertThatThrownBy(() -> YamlReader.read("a: 'open\n", problems)).isInstanceOf(YamlReader.SyntaxError.class);
        assertThatThrownBy(problems::throwIfAny)
                .hasMessageStartingWith("t.yaml:2:1: YAML error: found unexpected end of the file")
                .hasMessageNotContaining("\n");
    }
}
