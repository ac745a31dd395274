package dev.digitpad.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Int64Value;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.ServingException;
import dev.digitpad.protocol.serving.GetModelMetadataRequest;
import dev.digitpad.protocol.serving.GetModelMetadataResponse;
import dev.digitpad.protocol.serving.GetModelStatusRequest;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictResponse;
import dev.digitpad.protocol.serving.SignatureDefMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;
import org.tensorflow.proto.error.Code;

/**
 * TensorFlow Serving's REST API ({@code /v1/models/...}) over a {@link ServingCore}: model status,
 * metadata, and {@code :predict} in the row and columnar forms. Routed as TensorFlow Serving routes: every path
 * under {@code /v1/} belongs to the API, and one that routes nowhere is 400 "Malformed request"; other paths are 404.
 * Every error is JSON {@code {"error": ...}} with TensorFlow Serving's HTTP status for its code.
 */
final class RestApi extends Handler.Abstract {
    /** What TensorFlow Serving's HTTP server hands to its REST API: every path under /v1/, in any case. */
    private static final Pattern API_PATH = Pattern.compile("(?is)/v1/.*");
    /** A prediction's path: model, then version or label, then the verb (compared exactly afterwards). */
    private static final Pattern POST_ROUTE = Pattern.compile(
            "(?i)/v1/models/([^/:]+)(?:/versions/([0-9]+)|/labels/([^/:]+))?:(classify|regress|predict)");
    /** A model's status, or its metadata: the model name may be missing, and is then asked for. */
    private static final Pattern GET_ROUTE =
            Pattern.compile("(?i)/v1/models(?:/([^/:]+))?(?:/versions/([0-9]+)|/labels/([^/:]+))?(?:/(metadata))?");
    /** The origin a CORS preflight must name for TensorFlow Serving to answer it. */
    private static final Pattern CORS_ORIGIN = Pattern.compile("https?://");

    private static final String USAGE = "the API is GET /v1/models/<name>[/versions/<n> | /labels/<label>][/metadata],"
            + " and POST /v1/models/<name>[/versions/<n> | /labels/<label>]:predict, :classify or :regress";
    private static final JsonFormat.Printer PROTO_JSON = JsonFormat.printer()
            .preservingProtoFieldNames()
            .includingDefaultValueFields()
            .omittingInsignificantWhitespace();

    private final ServingCore core;
    private final InFlightCalls inFlight;
    private final long maxBodyBytes;
    private final Duration requestTimeout;
    private final Optional<String> metricsPath;
    // NaN, Infinity and -Infinity are read as numbers, as TensorFlow Serving reads them.
    private final ObjectMapper json = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    RestApi(
            ServingCore core,
            InFlightCalls inFlight,
            long maxBodyBytes,
            Duration requestTimeout,
            Optional<String> metricsPath) {
        this.core = core;
        this.inFlight = inFlight;
        this.maxBodyBytes = maxBodyBytes;
        this.requestTimeout = requestTimeout;
        this.metricsPath = metricsPath;
    }

    /**
     * Errors that Jetty finds before a request reaches the API (a malformed or ambiguous URI, say), in the
     * same JSON form as the API's own.
     */
    static boolean jettyError(Request request, Response response, Callback callback) {
        Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        String text = message == null ? HttpStatus.getMessage(response.getStatus()) : message.toString();
        if (response.getStatus() == 400 && text.equals(HttpStatus.getMessage(400))) {
            // Jetty gives no reason for a URI it cannot decode at all (%00 in the path, say): give the likely one.
            text += ": the request or its URL cannot be read, for example because the path holds an invalid %-escape or"
                    + " a character that no URL path may hold, such as %00. Check how the client builds the URL.";
        }
        writeJson(response, response.getStatus(), RestJson.error(text).toString(), callback);
        return true;
    }

    /** Most of an unread request body that is read and dropped before an answer; see {@link #drainBody}. */
    static final long DRAIN_LIMIT = 64L << 20;

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (metricsPath.isPresent() && metricsPath.get().equals(path)) {
            scrape(request, response, callback);
            return true;
        }
        if (!API_PATH.matcher(path).matches()) {
            // TensorFlow Serving's HTTP server hands only paths under /v1/ to its API; others are not found.
            drainBody(request);
            writeJson(
                    response,
                    404,
                    RestJson.error("Not Found: " + request.getMethod() + " "
                                    + request.getHttpURI().getPathQuery() + " is not a path of this server (" + USAGE
                                    + ")")
                            .toString(),
                    callback);
            return true;
        }
        long started = System.nanoTime();
        Routed routed = new Routed();
        int status;
        Code code;
        String body;
        inFlight.enter();
        try {
            body = route(request, routed);
            status = 200;
            code = Code.OK;
        } catch (HttpError e) {
            status = e.status;
            code = e.code;
            body = RestJson.error(e.getMessage()).toString();
        } catch (Throwable t) {
            ServingException e = ErrorMapping.toServingException(t);
            status = ErrorMapping.httpStatus(e.code());
            code = e.code();
            body = RestJson.error(ErrorMapping.truncate(e.getMessage())).toString();
        } finally {
            inFlight.exit();
        }
        drainBody(request);
        // Every request under /v1/ is counted, as TensorFlow Serving's HTTP server counts them.
        core.metrics().recordRest(core.metricLabel(routed.model), routed.verb, code, System.nanoTime() - started);
        writeJson(response, status, body, callback);
        return true;
    }

    /**
     * A Prometheus scrape. TensorFlow Serving answers its metrics path whatever the method, and refuses the path
     * with a query string after it.
     */
    private void scrape(Request request, Response response, Callback callback) {
        drainBody(request);
        String query = request.getHttpURI().getQuery();
        if (query != null) {
            writeJson(
                    response,
                    400,
                    RestJson.error("Unexpected path: " + request.getHttpURI().getPathQuery() + ". Should be "
                                    + metricsPath.orElseThrow())
                            .toString(),
                    callback);
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ServingMetrics.CONTENT_TYPE);
        response.write(
                true, ByteBuffer.wrap(core.metrics().scrape(core.models()).getBytes(StandardCharsets.UTF_8)), callback);
    }

    /**
     * Reads and drops what is left of a request body of stated length (what an error left unread), at most
     * {@link #DRAIN_LIMIT} bytes. A connection closed with unread input is reset, and the reset can reach the client before it has read
     * the answer: a 413 or a 404 then arrived as no answer at all (in tests, a few times in tens of thousands).
     */
    private static void drainBody(Request request) {
        long declared = request.getLength();
        if (declared <= 0
                || declared > DRAIN_LIMIT
                || "CONNECT".equals(request.getMethod())
                || request.getHeaders().contains(HttpHeader.EXPECT, "100-continue")) {
            // No body of a stated length (none, chunked, or a CONNECT's tunnel), too much to read, or a client that
            // sends its body only when asked: nothing is read.
            return;
        }
        try (InputStream in = Request.asInputStream(request)) {
            byte[] buffer = new byte[8192];
            long left = DRAIN_LIMIT;
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0; ) {
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            // the client stopped sending or went away: the answer goes out as it can
        }
    }

    private static void writeJson(Response response, int status, String body, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    /**
     * Routes a request under {@code /v1/} as TensorFlow Serving's handler does: POST to a model's {@code :predict},
     * {@code :classify} or {@code :regress}; GET of a model's status or {@code /metadata}; anything else is 400
     * "Malformed request". The path is matched as sent, still percent-encoded, and each part decoded on its own: an
     * encoded "/" in a model name stays part of the name (which is then not found), and never becomes a path
     * separator.
     */
    private String route(Request request, Routed routed) throws IOException {
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        if ("OPTIONS".equals(method)) {
            // A CORS preflight: TensorFlow Serving answers it without routing, given an origin.
            String origin = request.getHeaders().get(HttpHeader.ORIGIN);
            if (origin == null || !CORS_ORIGIN.matcher(origin).find()) {
                throw new ServingException(Code.FAILED_PRECONDITION, "Origin header is missing in CORS preflight");
            }
            return "";
        }
        Matcher post = POST_ROUTE.matcher(path);
        Matcher get = GET_ROUTE.matcher(path);
        boolean matched = "POST".equals(method) ? post.matches() : "GET".equals(method) && get.matches();
        if (!matched) {
            throw malformed(request, post.matches(), get.matches());
        }
        Matcher m = "POST".equals(method) ? post : get;
        String name = m.group(1) == null ? "" : decode(m.group(1));
        routed.model = name;
        routed.verb = "POST".equals(method) ? m.group(4) : "";
        ModelSpec.Builder spec = ModelSpec.newBuilder().setName(name);
        if (m.group(2) != null) {
            try {
                spec.setVersion(Int64Value.of(Long.parseLong(m.group(2))));
            } catch (NumberFormatException e) {
                throw new HttpError(400, "Failed to convert version: " + m.group(2) + " to numeric.");
            }
        } else if (m.group(3) != null) {
            spec.setVersionLabel(decode(m.group(3)));
        }
        if ("GET".equals(method)) {
            if (name.isEmpty()) {
                throw new HttpError(
                        400,
                        "Missing model name in request. (Listing the models is not part of the API: ask for"
                                + " /v1/models/<name>.)");
            }
            // Compared as TensorFlow Serving compares it: "/METADATA" matches the path, and asks for the status.
            if ("metadata".equals(m.group(4))) {
                return metadata(spec.build());
            }
            return PROTO_JSON.print(core.status(
                    GetModelStatusRequest.newBuilder().setModelSpec(spec).build()));
        }
        String verb = m.group(4);
        switch (verb) {
            case "predict" -> {
                return predict(spec, readBody(request));
            }
            case "classify", "regress" -> {
                return RestExamples.answer(
                        verb, ExampleCalls.rest(core), spec, readBody(request), RunLimits.within(requestTimeout));
            }
            default -> throw malformed(request, true, false);
        }
    }

    /**
     * TensorFlow Serving's answer to a request under {@code /v1/} that routes nowhere, with what would route: for a
     * path that is right for the other method, that method.
     */
    private static HttpError malformed(Request request, boolean postPath, boolean getPath) {
        String method = request.getMethod();
        String hint;
        if (postPath && !"POST".equals(method)) {
            hint = ":predict, :classify and :regress take POST";
        } else if (getPath && !"GET".equals(method)) {
            hint = "model status and metadata take GET";
        } else {
            hint = USAGE;
        }
        return new HttpError(
                400, "Malformed request: " + method + " " + request.getHttpURI().getPathQuery() + " (" + hint + ")");
    }

    private String metadata(ModelSpec spec) throws InvalidProtocolBufferException {
        GetModelMetadataResponse response = core.metadata(GetModelMetadataRequest.newBuilder()
                .setModelSpec(spec)
                .addMetadataField(ServingCore.SIGNATURE_DEF_FIELD)
                .build());
        SignatureDefMap signatures =
                response.getMetadataOrThrow(ServingCore.SIGNATURE_DEF_FIELD).unpack(SignatureDefMap.class);
        ObjectNode out = json.createObjectNode();
        out.set("model_spec", parse(response.getModelSpec()));
        out.putObject("metadata").set(ServingCore.SIGNATURE_DEF_FIELD, parse(signatures));
        return out.toString();
    }

    private String predict(ModelSpec.Builder spec, byte[] body) {
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (JacksonException e) {
            throw new HttpError(400, "JSON Parse error: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new HttpError(400, "JSON Parse error: " + e.getMessage());
        }
        if (request == null || !request.isObject()) {
            throw new HttpError(400, "The request body must be a JSON object with 'instances' or 'inputs'");
        }
        JsonNode signature = request.path("signature_name");
        if (!signature.isMissingNode()) {
            if (!signature.isTextual()) {
                throw new HttpError(400, "'signature_name' must be a string");
            }
            spec.setSignatureName(signature.textValue());
        }
        boolean rows = request.has("instances");
        boolean columns = request.has("inputs");
        if (rows == columns) {
            throw new HttpError(
                    400,
                    rows
                            ? "The request has both 'instances' and 'inputs'; send one of them"
                            : "Missing 'instances' or 'inputs' key in the request");
        }
        PredictResponse response = core.predict(
                ServingMetrics.Entrypoint.REST,
                spec.build(),
                sig -> rows
                        ? RestJson.fromInstances(sig, request.get("instances"))
                        : RestJson.fromColumns(sig, request.get("inputs")),
                List.of(),
                RunLimits.within(requestTimeout));
        ObjectNode out = json.createObjectNode();
        if (rows) {
            out.set("predictions", RestJson.predictions(response.getOutputsMap()));
        } else {
            out.set("outputs", RestJson.columns(response.getOutputsMap()));
        }
        return out.toString();
    }

    private byte[] readBody(Request request) throws IOException {
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            throw tooLarge(declared);
        }
        try (InputStream in = Request.asInputStream(request)) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (body.length > maxBodyBytes) {
                throw tooLarge(-1);
            }
            return body;
        }
    }

    private HttpError tooLarge(long declared) {
        return new HttpError(
                413,
                "The request body " + (declared >= 0 ? "of " + declared + " bytes " : "")
                        + "is larger than the server's limit of " + maxBodyBytes + " bytes (--max_request_size_bytes)");
    }

    private JsonNode parse(Message message) throws InvalidProtocolBufferException {
        try {
            return json.readTree(PROTO_JSON.print(message));
        } catch (JacksonException e) {
            throw new IllegalStateException("protobuf wrote JSON that Jackson cannot read", e);
        }
    }

    /** One percent-encoded part of the path, decoded. */
    private static String decode(String part) {
        try {
            return URIUtil.decodePath(part);
        } catch (IllegalArgumentException e) {
            throw new HttpError(
                    400, "Malformed request: bad percent-encoding in \"" + part + "\" (" + e.getMessage() + ")");
        }
    }

    /** What the metrics say of a request: the model its path names, and its verb ("" for status and metadata). */
    private static final class Routed {
        String model = "";
        String verb = "";
    }

    /** A failure of the HTTP request itself, before it reaches the serving core. */
    private static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        /** The canonical code it is counted under: a request too large is RESOURCE_EXHAUSTED, as on gRPC. */
        private final Code code;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = status == 413 ? Code.RESOURCE_EXHAUSTED : Code.INVALID_ARGUMENT;
        }
    }
}
