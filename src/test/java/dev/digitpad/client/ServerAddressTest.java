package dev.digitpad.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerAddressTest {

    @Test
    void hostAndPort() {
        ServerAddress a = ServerAddress.parse(" serving.example.com:9000 ");
        assertThat(a.display()).isEqualTo("serving.example.com:9000");
        assertThat(a.loopback()).isFalse();
    }

    @Test
    void bareHostGetsTensorFlowServingsGrpcPort() {
        assertThat(ServerAddress.parse("localhost").display()).isEqualTo("localhost:8500");
        assertThat(ServerAddress.parse("localhost").loopback()).isTrue();
        assertThat(ServerAddress.parse("127.0.0.1:8500").loopback()).isTrue();
    }

    @Test
    void ipv6LiteralsInBrackets() {
        ServerAddress a = ServerAddress.parse("[::1]:8500");
        assertThat(a.target()).isEqualTo("[::1]:8500");
        assertThat(a.loopback()).isTrue();
        assertThat(ServerAddress.parse("[2001:db8::7]").target()).isEqualTo("[2001:db8::7]:8500");
        assertThat(ServerAddress.parse("[2001:db8::7]").loopback()).isFalse();
        assertThat(ServerAddress.parse("[0:0:0:0:0:0:0:1]:1").loopback()).isTrue();
        assertThat(ServerAddress.parse("[::ffff:127.0.0.1]:1").loopback()).isTrue();
        assertThatThrownBy(() -> ServerAddress.parse("2001:db8::7")).hasMessageContaining("in brackets");
    }

    @Test
    void dnsTargetsAreKeptForGrpcsOwnResolverAndBalancing() {
        ServerAddress a = ServerAddress.parse("dns:///serving.internal:8500");
        assertThat(a.target()).isEqualTo("dns:///serving.internal:8500");
        assertThat(a.display()).isEqualTo("serving.internal:8500");
        assertThat(ServerAddress.parse("dns:///localhost:8500").loopback()).isTrue();
    }

    @Test
    void aDnsTargetWithoutAPortGetsTensorFlowServingsPortAsItsDisplaySays() {
        ServerAddress a = ServerAddress.parse("dns:///serving.internal");
        assertThat(a.display()).isEqualTo("serving.internal:8500");
        assertThat(a.target()).isEqualTo("dns:///serving.internal:8500");
    }

    @Test
    void hostsNamedLikeAGrpcSchemeAreStillHosts() {
        // gRPC would read "dns:8500" or "unix:8500" as a target of its own; the address names the host "dns".
        assertThat(ServerAddress.parse("dns:8500").display()).isEqualTo("dns:8500");
        assertThat(ServerAddress.parse("dns:8500").target()).isEqualTo("dns:///dns:8500");
        assertThat(ServerAddress.parse("unix:8500").target()).isEqualTo("dns:///unix:8500");
        assertThat(opens(ServerAddress.parse("unix:8500")).authority()).isEqualTo("unix:8500");
    }

    @Test
    void unixSocketsNeedTheirFullPath() {
        assertThat(ServerAddress.parse("unix:///run/serving.sock").target()).isEqualTo("unix:///run/serving.sock");
        assertThat(ServerAddress.parse("unix:/run/serving.sock").target()).isEqualTo("unix:///run/serving.sock");
        assertThat(ServerAddress.parse("unix:///run/serving.sock").loopback()).isTrue();
        assertThat(suggestions("unix://run/serving.sock")).containsExactly("unix:///run/serving.sock");
        assertThatThrownBy(() -> ServerAddress.parse("unix:relative.sock")).hasMessageContaining("full path");
    }

    @Test
    void theMistakesOfTheIssueGetAdviceThatWorks() {
        // Issue 16, bug 7: "foo:bar:baz" was told to become "[foo:bar:baz]:8500", which passed the check and then
        // failed in gRPC with "Malformed IPv6 address at index 3".
        assertThatThrownBy(() -> ServerAddress.parse("foo:bar:baz"))
                .hasMessageNotContaining("[foo:bar:baz]")
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> ServerAddress.parse("[foo:bar:baz]:8500"))
                .hasMessageContaining("not an IPv6 address")
                .hasMessageNotContaining("index");
        assertThat(suggestions("foo:bar:baz")).isEmpty();
        assertThat(suggestions("http://127.0.0.1:18700")).containsExactly("127.0.0.1:18700");
        assertThatThrownBy(() -> ServerAddress.parse("http://127.0.0.1:18700"))
                .hasMessageContaining("leave out \"http://\"")
                .hasMessageContaining("127.0.0.1:18700");
    }

    @Test
    void schemesOfUrlsAreLeftOut() {
        assertThat(suggestions("grpc://serving.example:9000")).containsExactly("serving.example:9000");
        assertThat(suggestions("HTTP://localhost")).containsExactly("localhost:8500");
        assertThat(suggestions("http://[::1]:8500/v1/models/mnist")).containsExactly("[::1]:8500");
        assertThatThrownBy(() -> ServerAddress.parse("https://serving.example:443"))
                .hasMessageContaining("TLS");
        assertThatThrownBy(() -> ServerAddress.parse("http://localhost:8501/v1/models/mnist"))
                .hasMessageContaining("REST");
        assertThat(suggestions("http://foo_bar:1")).isEmpty();
    }

    @Test
    void ipv6AddressesWithoutBracketsAreBracketedAsMeant() {
        assertThat(suggestions("2001:db8::7")).containsExactly("[2001:db8::7]:8500");
        assertThat(suggestions("::1")).containsExactly("[::1]:8500");
        assertThat(suggestions("::1:18700")).containsExactly("[::1]:18700");
        assertThat(suggestions("::1:8500")).containsExactly("[::1]:8500", "[::1:8500]:8500");
        assertThat(suggestions("fe80::1%lo")).containsExactly("[fe80::1%lo]:8500");
        assertThat(suggestions("1::2::3")).isEmpty();
    }

    @Test
    void bracketsHoldOnlyIpv6Addresses() {
        assertThat(suggestions("[localhost]:8500")).containsExactly("localhost:8500");
        assertThat(suggestions("[127.0.0.1]")).containsExactly("127.0.0.1:8500");
        assertThat(suggestions("[1::2::3]:1")).isEmpty();
        assertThat(suggestions("[::1")).containsExactly("[::1]:8500");
        assertThatThrownBy(() -> ServerAddress.parse("[v1.x]:1")).hasMessageContaining("not an IPv6 address");
        assertThatThrownBy(() -> ServerAddress.parse("[::1%]:1")).hasMessageContaining("not an IPv6 address");
    }

    @Test
    void hostNamesAreCheckedAsGrpcChecksThem() {
        assertThatThrownBy(() -> ServerAddress.parse("foo_bar:8500")).hasMessageContaining("\"_\"");
        assertThatThrownBy(() -> ServerAddress.parse("a@b:8500")).hasMessageContaining("\"@\"");
        assertThatThrownBy(() -> ServerAddress.parse("local host:1")).hasMessageContaining("space");
        assertThatThrownBy(() -> ServerAddress.parse("1.2.3:1")).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> ServerAddress.parse("999.1.1.1:1")).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> ServerAddress.parse("a..b:1")).hasMessageContaining("not a valid host name");
        assertThatThrownBy(() -> ServerAddress.parse("-foo:1")).hasMessageContaining("not a valid host name");
        assertThatThrownBy(() -> ServerAddress.parse("foo.123:1")).hasMessageContaining("not a valid host name");
        assertThat(suggestions("bücher.example:1")).containsExactly("xn--bcher-kva.example:1");
        assertThat(suggestions("010.0.0.1:1")).containsExactly("10.0.0.1:1");
        assertThat(suggestions(":8500")).containsExactly("localhost:8500");
        assertThat(suggestions("localhost:8500/v1/models/mnist")).containsExactly("localhost:8500");
    }

    @Test
    void hostNamesAreNoLongerThanDnsAllows() {
        assertThatThrownBy(() -> ServerAddress.parse("a".repeat(64) + ".example:1"))
                .hasMessageContaining("not a valid host name");
        assertThatThrownBy(() -> ServerAddress.parse(("a".repeat(60) + ".").repeat(5) + "example:1"))
                .hasMessageContaining("not a valid host name");
        assertThat(ServerAddress.parse("a".repeat(63) + ".example:1").display()).startsWith("aaa");
    }

    @Test
    void dnsTargetsNameAHostAndNoServerOfTheirOwn() {
        assertThat(suggestions("dns://8.8.8.8/serving.internal:8500")).containsExactly("dns:///serving.internal:8500");
        assertThat(suggestions("dns:///[::1]:8500")).containsExactly("[::1]:8500");
        assertThat(suggestions("dns:///foo_bar:1")).isEmpty();
        assertThat(ServerAddress.parse("DNS:///localhost:1").target()).isEqualTo("dns:///localhost:1");
        assertThatThrownBy(() -> ServerAddress.parse("dns:///")).hasMessageContaining("names no host");
    }

    @Test
    void targetsGrpcJavaCannotResolveAreRefused() {
        assertThat(suggestions("ipv4:1.2.3.4:80")).containsExactly("1.2.3.4:80");
        assertThat(suggestions("ipv6:[::1]:80")).containsExactly("[::1]:80");
        assertThatThrownBy(() -> ServerAddress.parse("xds:///serving")).hasMessageContaining("xds");
    }

    @Test
    void mistakesGetSpecificMessages() {
        assertThatThrownBy(() -> ServerAddress.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ServerAddress.parse("localhost:http")).hasMessageContaining("port must be a number");
        assertThatThrownBy(() -> ServerAddress.parse("localhost:70000")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> ServerAddress.parse("localhost:0")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> ServerAddress.parse("localhost:+80")).hasMessageContaining("port must be a number");
        assertThatThrownBy(() -> ServerAddress.parse("http://localhost:8501"))
                .hasMessageContaining("leave out \"http://\"");
        assertThatThrownBy(() -> ServerAddress.parse("local host:1")).hasMessageContaining("host:port");
    }

    /** Addresses a person may type that gRPC takes: each parses, and a channel to it can be built. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "localhost",
                "localhost:8500",
                "LOCALHOST:1",
                "localhost.:8500",
                "127.0.0.1:18700",
                "10.1.2.3",
                "serving.example.com:9000",
                "intranet-host:65535",
                "xn--bcher-kva.example:1",
                "a1.b2.example",
                "localhost:08500",
                "[::1]:8500",
                "[::1]",
                "[2001:db8::7]:9000",
                "[::ffff:1.2.3.4]:80",
                "[fe80::1%lo]:8500",
                "dns:///serving.internal:8500",
                "dns:///localhost",
                "dns:localhost:8500",
                "dns:8500",
                "unix:8500",
                "unix:///run/serving.sock",
                "unix:/run/serving.sock"
            })
    void goodAddressesParseAndGrpcTakesThem(String text) {
        opens(ServerAddress.parse(text));
    }

    /**
     * Mistakes: each is refused in the person's words (no parser's "at index 3"), and whatever it suggests passes the
     * check and gRPC takes it.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "foo:bar:baz",
                "[foo:bar:baz]:8500",
                "[foo:bar:baz]",
                "http://127.0.0.1:18700",
                "https://serving.example",
                "grpc://localhost:8500",
                "grpcs://localhost:8500",
                "http://localhost:8501/v1/models/mnist:predict",
                "http://[::1]:8500/",
                "http://",
                "http://foo_bar",
                "tcp://1.2.3.4:5",
                "2001:db8::7",
                "::1",
                "::1:8500",
                "::1:18700",
                "fe80::1%lo",
                "1::2::3",
                "[1::2::3]:1",
                "[v1.x]:1",
                "[::1%]:1",
                "[::1",
                "[::1]x",
                "[::1]:",
                "[::1]:8500/v1",
                "[localhost]:8500",
                "[]",
                "foo_bar:8500",
                "a@b:8500",
                "local host:1",
                "1.2.3:1",
                "1.2.3.4.5:8500",
                "999.1.1.1:1",
                "010.0.0.1:1",
                "a..b:1",
                ".a:1",
                "-foo:1",
                "a-.com:1",
                "foo.123:1",
                "123:8500",
                "bücher.example:1",
                "host%41:1",
                "a%2:1",
                ":8500",
                ":",
                "localhost:",
                "localhost:0",
                "localhost:65536",
                "localhost:-1",
                "localhost:+80",
                "localhost:8500/v1/models/mnist",
                "localhost/x",
                "dns:///",
                "dns://",
                "dns:///[::1]:8500",
                "dns://8.8.8.8/localhost:8500",
                "dns:///foo_bar:1",
                "dns:///local%20host:1",
                "dns:///localhost:8500/x",
                "dns:///localhost:8500?x=1",
                "dns:foo:bar:baz",
                "unix://run/serving.sock",
                "unix:relative.sock",
                "unix:",
                "unix:///",
                "unix:///tmp/a b",
                "ipv4:1.2.3.4:80",
                "ipv4:1.2.3.4:80,1.2.3.5:80",
                "ipv6:[::1]:80",
                "ipv4://1.2.3.4:80",
                "xds:///serving",
                "unix-abstract:serving",
                "://x"
            })
    void mistakesAreRefusedWithAdviceThatWorks(String text) {
        ServerAddress.InvalidAddressException e =
                catchThrowableOfType(ServerAddress.InvalidAddressException.class, () -> ServerAddress.parse(text));
        assertThat(e).as("\"%s\" is refused", text).isNotNull();
        assertRefusedInWords(e.getMessage(), text);
        for (String suggestion : e.suggestions()) {
            assertThat(e.getMessage()).as("the message names its suggestion").contains(suggestion);
            opens(ServerAddress.parse(suggestion));
        }
    }

    /**
     * Whatever a person types, the check either refuses it in words or gRPC takes it: random strings over the
     * characters addresses are made of.
     */
    @Test
    void anythingTheCheckLetsThroughGrpcTakes() {
        Random random = new Random(16);
        String alphabet = "ab1:[]/.%_-@ 9f:::..//[]dnsunixhtp8500";
        for (int i = 0; i < 3000; i++) {
            StringBuilder s = new StringBuilder();
            int length = 1 + random.nextInt(14);
            for (int j = 0; j < length; j++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = s.toString();
            ServerAddress address;
            try {
                address = ServerAddress.parse(text);
            } catch (ServerAddress.InvalidAddressException e) {
                assertRefusedInWords(e.getMessage(), text);
                for (String suggestion : e.suggestions()) {
                    opens(ServerAddress.parse(suggestion));
                }
                continue;
            }
            opens(address);
        }
    }

    private static void assertRefusedInWords(String message, String text) {
        assertThat(message)
                .as("the message for \"%s\"", text)
                .doesNotContain("index")
                .doesNotContain("Malformed")
                .doesNotContain("URISyntax")
                .doesNotContain("Exception")
                .endsWith(".");
    }

    private static List<String> suggestions(String text) {
        ServerAddress.InvalidAddressException e =
                catchThrowableOfType(ServerAddress.InvalidAddressException.class, () -> ServerAddress.parse(text));
        assertThat(e).as("\"%s\" is refused", text).isNotNull();
        return e.suggestions();
    }

    /** Builds a channel to the address as the app does (gRPC parses the target here), and closes it. */
    private static ManagedChannel opens(ServerAddress address) {
        ManagedChannel channel = Channels.open(address, TlsOptions.PLAINTEXT);
        channel.shutdownNow();
        return channel;
    }
}
