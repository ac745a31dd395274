package dev.digitpad.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;

/**
 * Turns gRPC failures into messages that say what happened and what to do next, in the words of someone who typed an
 * address and a model name: never gRPC's own descriptions ("io exception", "Network closed for unknown reason"), which
 * stay in the exception's cause for logs ({@link PredictionException#technical()}). What the server itself said about
 * a request it refused (a wrong shape, a missing signature) is kept: it is the server's explanation.
 */
final class ClientErrors {
    private ClientErrors() {}

    /** How TensorFlow Serving begins its refusal of a version label it does not know (INVALID_ARGUMENT). */
    static final String UNKNOWN_LABEL = "Unrecognized servable version label:";

    /**
     * @param connected whether the channel had a connection when the call failed; a deadline that passed without one
     *     means the server could not be reached
     */
    static PredictionException translate(
            StatusRuntimeException e, String server, String model, Duration deadline, boolean connected) {
        Status status = e.getStatus();
        Status.Code code = status.getCode();
        Optional<String> http = nonGrpcAnswer(status);
        if (http.isPresent()) {
            return new PredictionException(
                    code,
                    server + " answered, but not as a gRPC server (" + http.get() + "). Check the port: TensorFlow"
                            + " Serving takes gRPC on 8500 and REST on 8501.",
                    e,
                    false);
        }
        return switch (code) {
            case UNAVAILABLE -> new PredictionException(code, unavailable(e, server), e, true);
            case DEADLINE_EXCEEDED ->
                connected
                        ? new PredictionException(
                                code,
                                server + " did not answer within the deadline of " + human(deadline)
                                        + ". The server may be busy or the network slow; try again, or allow a longer"
                                        + " deadline.",
                                e,
                                false)
                        : new PredictionException(
                                code,
                                "No connection to " + server + " could be made within the deadline of "
                                        + human(deadline) + ". Check that the server is running and that the address"
                                        + " is right.",
                                e,
                                true);
            case NOT_FOUND ->
                notFound(e, server, model, VersionChoice.LATEST, new ModelVersions(model, List.of(), new TreeMap<>()));
            case INVALID_ARGUMENT ->
                new PredictionException(code, server + " refused the request: " + said(status, "no reason given"), e);
            case FAILED_PRECONDITION ->
                new PredictionException(
                        code,
                        server + " cannot run the request: " + said(status, "no reason given")
                                + ". Check the signature name.",
                        e);
            case UNAUTHENTICATED, PERMISSION_DENIED ->
                new PredictionException(
                        code,
                        server + " refused this client (" + said(status, "no reason given")
                                + "). It may need a client certificate (mutual TLS).",
                        e);
            case RESOURCE_EXHAUSTED ->
                new PredictionException(
                        code,
                        server + " is overloaded or the message is too large (" + said(status, "no details") + ")."
                                + " Try again in a moment.",
                        e);
            case UNIMPLEMENTED ->
                new PredictionException(
                        code,
                        server + " does not offer this call. Is it a TensorFlow Serving compatible server, and is"
                                + " this its gRPC port?",
                        e);
            case CANCELLED -> new PredictionException(code, "The call to " + server + " was cancelled.", e);
            default ->
                new PredictionException(
                        code,
                        server + " failed to answer (" + said(status, "an internal error")
                                + "). Try again; if it keeps failing, check the server's log.",
                        e);
        };
    }

    /**
     * The model, or the version, is not on the server.
     *
     * @param asked the version asked for
     * @param has what the server said it has of the model (from {@code GetModelStatus}), no versions if it said
     *     nothing
     */
    static PredictionException notFound(
            StatusRuntimeException e, String server, String model, VersionChoice asked, ModelVersions has) {
        if (has.versions().isEmpty()) {
            return noSuchModel(e, server, model);
        }
        if (asked.kind() == VersionChoice.Kind.LATEST
                && has.versions().stream().anyMatch(PredictionClient.VersionState::available)) {
            return new PredictionException(
                    Status.Code.NOT_FOUND,
                    server + " has model \"" + model + "\", but not what was asked of it ("
                            + said(e.getStatus(), "no details") + "). Check the signature name.",
                    e);
        }
        String it = "it has version" + (has.versions().size() > 1 ? "s " : " ") + has.describe() + ".";
        String what = switch (asked.kind()) {
            case NUMBER -> "has no version " + asked.number() + " of model \"" + model + "\"; " + it;
            case LABEL -> {
                Long named = has.labels().get(asked.label());
                yield named != null
                        ? "has label \"" + asked.label() + "\" of model \"" + model + "\" for version " + named
                                + ", which it does not serve; " + it
                        : "has label \"" + asked.label() + "\" of model \"" + model
                                + "\", but not the version it names (" + said(e.getStatus(), "no details")
                                + "); " + it;
            }
            case LATEST -> "has model \"" + model + "\", but no version of it is ready; " + it;
        };
        return new PredictionException(
                Status.Code.NOT_FOUND,
                server + " " + what
                        + (asked.kind() == VersionChoice.Kind.LATEST
                                ? " Try again in a moment."
                                : " Choose one of those, or the latest."),
                e);
    }

    private static PredictionException noSuchModel(StatusRuntimeException e, String server, String model) {
        return new PredictionException(
                Status.Code.NOT_FOUND,
                server + " has no model named \"" + model + "\". Check the model name: it is the name the server"
                        + " serves the model under (TensorFlow Serving's --model_name, or MODEL_NAME with docker).",
                e);
    }

    /** Whether the server refused a version label it does not know, in TensorFlow Serving's words. */
    static boolean unknownLabel(StatusRuntimeException e) {
        String d = e.getStatus().getDescription();
        return e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT && d != null && d.startsWith(UNKNOWN_LABEL);
    }

    /**
     * The server does not know the version label asked for: says so, with the labels it has, or, when it lists none
     * (TensorFlow Serving never does), its versions.
     *
     * @param has what the server said it has of the model, no versions if it said nothing
     */
    static PredictionException unknownLabel(
            StatusRuntimeException e, String server, String model, VersionChoice asked, ModelVersions has) {
        if (has.versions().isEmpty()) {
            return noSuchModel(e, server, model);
        }
        String label = asked.kind() == VersionChoice.Kind.LABEL
                ? asked.label()
                : e.getStatus()
                        .getDescription()
                        .substring(UNKNOWN_LABEL.length())
                        .strip();
        String no = server + " has no label \"" + label + "\" for model \"" + model + "\"; ";
        if (!has.labels().isEmpty()) {
            String labels = has.labels().entrySet().stream()
                    .map(l -> l.getKey() + " (version " + l.getValue() + ")")
                    .collect(Collectors.joining(", "));
            return new PredictionException(
                    Status.Code.INVALID_ARGUMENT,
                    no + "its label" + (has.labels().size() > 1 ? "s are " : " is ") + labels
                            + ". Choose one of those, a version, or the latest.",
                    e);
        }
        return new PredictionException(
                Status.Code.INVALID_ARGUMENT,
                no + "it lists no labels, and has version" + (has.versions().size() > 1 ? "s " : " ") + has.describe()
                        + ". Check the label, or choose "
                        + (has.versions().size() > 1 ? "one of those versions" : "that version") + " or the latest.",
                e);
    }

    /** Why no server answered, from the causes gRPC keeps: the person's words, with what to check. */
    private static String unavailable(StatusRuntimeException e, String server) {
        Optional<SSLException> ssl = find(e, SSLException.class);
        if (ssl.isPresent()) {
            return "The secure connection to " + server + " failed: " + tls(e, ssl.get());
        }
        String description = String.valueOf(e.getStatus().getDescription());
        if (find(e, UnknownHostException.class).isPresent() || description.startsWith("Unable to resolve host")) {
            return "The host name of " + server + " is not known: it does not resolve to any machine. Check the"
                    + " address for a typo.";
        }
        if (find(e, NoRouteToHostException.class).isPresent()
                || anyMessage(e, "no route to host")
                || anyMessage(e, "network is unreachable")) {
            return server + " cannot be reached: the network has no route to it. Check the address and the network"
                    + " connection.";
        }
        if (anyMessage(e, "connection refused")) {
            return "Nothing is answering at " + server + ". Start the server, or check the address.";
        }
        if (anyMessage(e, "timed out") || anyMessage(e, "connecttimeout")) {
            return server + " did not accept a connection in time. The machine may be down, or a firewall may block"
                    + " the port.";
        }
        if (find(e, ConnectException.class).isPresent()) {
            return "No connection to " + server + " could be made. Check that the server is running and that the"
                    + " address is right.";
        }
        if (e.getCause() == null && sentByServer(description)) {
            // The server itself said it cannot serve yet, e.g. while its model loads after a restart.
            return server + " answers, but cannot predict yet: " + description;
        }
        return server + " closed the connection without answering. The server may be stopping or restarting; if it"
                + " expects TLS, connect with TLS.";
    }

    /**
     * Whether an UNAVAILABLE status without a cause carries the server's own words, rather than one of grpc-java's
     * descriptions of a lost connection.
     */
    static boolean sentByServer(String description) {
        if (description == null || description.isBlank() || description.equals("null")) {
            return false;
        }
        String d = description.toLowerCase(Locale.ROOT);
        return !(d.startsWith("io exception")
                || d.startsWith("network closed")
                || d.startsWith("connection closed")
                || d.startsWith("abrupt goaway")
                || d.startsWith("keepalive")
                || d.startsWith("channel shutdown")
                || d.startsWith("subchannel shutdown")
                || d.startsWith("http/2 error")
                || d.startsWith("received rst_stream")
                || d.startsWith("stream closed")
                || d.startsWith("failed to connect")
                || d.startsWith("could not find server"));
    }

    /** What went wrong in a TLS handshake, and what to do about it. */
    private static String tls(Throwable e, SSLException ssl) {
        if (anyMessage(e, "not an ssl/tls record")) {
            return "the server does not use TLS on that port. Turn TLS off, or check the port.";
        }
        if (anyMessage(e, "certificate_required")) {
            // A server that requires client certificates sends this alert when the client has none it accepts; a
            // client only offers a certificate from a CA the server asked for, so a stranger's ends here too.
            return "this client has no certificate the server accepts. The server requires a client certificate"
                    + " signed by a CA it trusts (mutual TLS): give such a certificate and its key.";
        }
        if (find(e, CertificateExpiredException.class).isPresent() || anyMessage(e, "certificate expired")) {
            return "its certificate has expired. Renew the server's certificate, or check this machine's clock.";
        }
        if (anyMessage(e, "no subject alternative") || anyMessage(e, "no name matching")) {
            return "its certificate is for another name. Connect with the name the certificate was issued for.";
        }
        if (anyMessage(e, "pkix") || anyMessage(e, "certification path") || anyMessage(e, "unknown_ca")) {
            return "its certificate is not signed by a CA that DigitPad trusts. Check that the CA file trusts its"
                    + " certificate: give the CA file that signed it.";
        }
        if (anyMessage(e, "bad_certificate") || anyMessage(e, "certificate_unknown")) {
            return "the server did not accept the client certificate. Give a client certificate signed by a CA the"
                    + " server trusts, and its key.";
        }
        return "the TLS handshake did not complete (" + ssl.getClass().getSimpleName() + "). Check that the server"
                + " uses TLS, that the CA file trusts its certificate, and that the name matches.";
    }

    /** The HTTP status of a server that answered HTTP but not gRPC, e.g. "HTTP 404", if that is what happened. */
    private static Optional<String> nonGrpcAnswer(Status status) {
        String d = status.getDescription();
        if (d == null || !d.startsWith("HTTP status code ")) {
            return Optional.empty();
        }
        String number = d.substring("HTTP status code ".length()).split("\\s", 2)[0];
        return Optional.of("HTTP " + number);
    }

    /**
     * What the server said, when it said something of its own; gRPC's transport wording, which comes with a cause,
     * is left out.
     */
    private static String said(Status status, String otherwise) {
        String d = status.getDescription();
        if (d == null || d.isBlank() || status.getCause() != null) {
            return otherwise;
        }
        return d.lines().findFirst().orElse(otherwise);
    }

    private static <T extends Throwable> Optional<T> find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    private static boolean anyMessage(Throwable e, String lowerCaseText) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null
                    && t.getMessage().toLowerCase(Locale.ROOT).contains(lowerCaseText)) {
                return true;
            }
            if (t.getClass().getSimpleName().toLowerCase(Locale.ROOT).contains(lowerCaseText)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
