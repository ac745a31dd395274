package dev.digitpad.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** Turns gRPC failures into messages that say what happened and what to do next. */
final class ClientErrors {
    private ClientErrors() {}

    static PredictionException translate(StatusRuntimeException e, String server, String model, Duration deadline) {
        Status status = e.getStatus();
        String detail = status.getDescription() == null ? "" : status.getDescription();
        return switch (status.getCode()) {
            case UNAVAILABLE ->
                tls(e).map(t -> new PredictionException(
                                status.getCode(),
                                "The secure connection to " + server + " failed: " + t.getMessage() + ". "
                                        + tlsAdvice(String.valueOf(t.getMessage())),
                                e))
                        .orElseGet(() -> new PredictionException(
                                status.getCode(),
                                "No server answers at " + server + " — is it running?"
                                        + (detail.isEmpty() ? "" : " (" + detail + ")"),
                                e));
            case DEADLINE_EXCEEDED ->
                new PredictionException(
                        status.getCode(),
                        "The server at " + server + " did not answer within the deadline of " + human(deadline)
                                + "; try a longer deadline or a less busy server.",
                        e);
            case NOT_FOUND ->
                new PredictionException(
                        status.getCode(),
                        "The server at " + server + " has no model \"" + model + "\" (or not that version): " + detail
                                + ". Check the model name and version.",
                        e);
            case INVALID_ARGUMENT ->
                new PredictionException(
                        status.getCode(), "The server at " + server + " refused the request: " + detail, e);
            case FAILED_PRECONDITION ->
                new PredictionException(
                        status.getCode(),
                        "The server at " + server + " cannot run the request: " + detail
                                + ". Check the signature name.",
                        e);
            case UNAUTHENTICATED, PERMISSION_DENIED ->
                new PredictionException(
                        status.getCode(),
                        "The server at " + server + " refused this client: " + detail
                                + ". It may need a client certificate (mutual TLS).",
                        e);
            case RESOURCE_EXHAUSTED ->
                new PredictionException(
                        status.getCode(),
                        "The server at " + server + " is overloaded or the message is too large: " + detail,
                        e);
            case UNIMPLEMENTED ->
                new PredictionException(
                        status.getCode(),
                        "The server at " + server + " does not offer this call: " + detail
                                + ". Is it a TensorFlow Serving compatible server?",
                        e);
            default ->
                new PredictionException(
                        status.getCode(),
                        "The server at " + server + " failed (" + status.getCode()
                                + (detail.isEmpty() ? "" : ": " + detail) + ").",
                        e);
        };
    }

    /** What to check, from the TLS alert the server sent, if it sent one. */
    private static String tlsAdvice(String message) {
        // A server that requires client certificates sends this alert when the client has none it accepts; a
        // client only offers a certificate from a CA the server asked for, so a stranger's ends here too.
        if (message.contains("CERTIFICATE_REQUIRED")) {
            return "The server requires a client certificate signed by a CA it trusts (mutual TLS): give such a"
                    + " certificate and its key.";
        }
        return "Check that the server uses TLS, that the CA file trusts its certificate, and that the name matches.";
    }

    private static java.util.Optional<SSLException> tls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException ssl) {
                return java.util.Optional.of(ssl);
            }
        }
        return java.util.Optional.empty();
    }

    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
