package dev.digitpad.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerAddressTest {

    @Test
    void hostAndPort() {
        ServerAddress a = ServerAddress.parse(" serving.example.com:9000 ");
        assertThat(a.target()).isEqualTo("serving.example.com:9000");
        assertThat(a.loopback()).isFalse();
    }

    @Test
    void bareHostGetsTensorFlowServingsGrpcPort() {
        assertThat(ServerAddress.parse("localhost").target()).isEqualTo("localhost:8500");
        assertThat(ServerAddress.parse("localhost").loopback()).isTrue();
        assertThat(ServerAddress.parse("127.0.0.1:8500").loopback()).isTrue();
    }

    @Test
    void ipv6LiteralsInBrackets() {
        ServerAddress a = ServerAddress.parse("[::1]:8500");
        assertThat(a.target()).isEqualTo("[::1]:8500");
        assertThat(a.loopback()).isTrue();
        assertThat(ServerAddress.parse("[2001:db8::7]").target()).isEqualTo("[2001:db8::7]:8500");
        assertThatThrownBy(() -> ServerAddress.parse("2001:db8::7")).hasMessageContaining("put it in brackets");
    }

    @Test
    void dnsTargetsAreKeptForGrpcsOwnResolverAndBalancing() {
        ServerAddress a = ServerAddress.parse("dns:///serving.internal:8500");
        assertThat(a.target()).isEqualTo("dns:///serving.internal:8500");
        assertThat(a.display()).isEqualTo("serving.internal:8500");
        assertThat(ServerAddress.parse("dns:///localhost:8500").loopback()).isTrue();
    }

    @Test
    void mistakesGetSpecificMessages() {
        assertThatThrownBy(() -> ServerAddress.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ServerAddress.parse("localhost:http")).hasMessageContaining("port must be a number");
        assertThatThrownBy(() -> ServerAddress.parse("localhost:70000")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> ServerAddress.parse("http://localhost:8501"))
                .hasMessageContaining("scheme http is not supported");
        assertThatThrownBy(() -> ServerAddress.parse("dns:///")).hasMessageContaining("names no host");
        assertThatThrownBy(() -> ServerAddress.parse("local host:1")).hasMessageContaining("is not a server address");
    }
}
