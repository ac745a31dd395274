package dev.digitpad.server;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.List;

/**
 * Answers a request message that does not parse with a proper status. grpc-java parses each message with the
 * method's marshaller before the service sees it, and when that fails it answers {@code UNKNOWN} "Application error
 * processing RPC", which tells the client nothing. Here the parse happens in a wrapper marshaller that keeps the
 * failure, and the call is closed with what {@link ErrorMapping#unparsable} says.
 */
final class UnparsableRequests {
    private UnparsableRequests() {}

    /** The same service, with every method's request parse failures answered properly. */
    static ServerServiceDefinition answeredProperly(ServerServiceDefinition service) {
        List<ServerMethodDefinition<?, ?>> methods = service.getMethods().stream()
                .<ServerMethodDefinition<?, ?>>map(UnparsableRequests::wrap)
                .toList();
        // The same name and schema (server reflection describes the service from it), with the wrapped methods.
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(
                        service.getServiceDescriptor().getName())
                .setSchemaDescriptor(service.getServiceDescriptor().getSchemaDescriptor());
        methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(builder::addMethod);
        return builder.build();
    }

    /** A request message, or why it could not be parsed. */
    private record Parsed<T>(T message, RuntimeException failure) {}

    private static <ReqT, RespT> ServerMethodDefinition<Parsed<ReqT>, RespT> wrap(
            ServerMethodDefinition<ReqT, RespT> method) {
        MethodDescriptor<ReqT, RespT> original = method.getMethodDescriptor();
        MethodDescriptor.Marshaller<ReqT> parse = original.getRequestMarshaller();
        MethodDescriptor.Marshaller<Parsed<ReqT>> lenient = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Parsed<ReqT> value) {
                return parse.stream(value.message());
            }

            @Override
            public Parsed<ReqT> parse(InputStream stream) {
                try {
                    return new Parsed<>(parse.parse(stream), null);
                } catch (RuntimeException e) {
                    return new Parsed<>(null, e);
                }
            }
        };
        MethodDescriptor<Parsed<ReqT>, RespT> descriptor =
                original.toBuilder(lenient, original.getResponseMarshaller()).build();
        ServerCallHandler<ReqT, RespT> handler = method.getServerCallHandler();
        return ServerMethodDefinition.create(descriptor, (call, headers) -> {
            Adapter<ReqT, RespT> adapted = new Adapter<>(call, original);
            ServerCall.Listener<ReqT> listener = handler.startCall(adapted, headers);
            return new ServerCall.Listener<>() {
                @Override
                public void onMessage(Parsed<ReqT> message) {
                    if (adapted.closed) {
                        return;
                    }
                    if (message.failure() != null) {
                        adapted.close(
                                ErrorMapping.unparsable(original.getFullMethodName(), message.failure()),
                                new Metadata());
                        return;
                    }
                    listener.onMessage(message.message());
                }

                @Override
                public void onHalfClose() {
                    if (!adapted.closed) {
                        listener.onHalfClose();
                    }
                }

                @Override
                public void onCancel() {
                    listener.onCancel();
                }

                @Override
                public void onComplete() {
                    listener.onComplete();
                }

                @Override
                public void onReady() {
                    if (!adapted.closed) {
                        listener.onReady();
                    }
                }
            };
        });
    }

    /** The call as the service sees it: its own request type; closing is remembered so nothing closes it twice. */
    private static final class Adapter<ReqT, RespT> extends ServerCall<ReqT, RespT> {
        private final ServerCall<Parsed<ReqT>, RespT> call;
        private final MethodDescriptor<ReqT, RespT> method;
        volatile boolean closed;

        Adapter(ServerCall<Parsed<ReqT>, RespT> call, MethodDescriptor<ReqT, RespT> method) {
            this.call = call;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            call.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            call.sendHeaders(headers);
        }

        @Override
        public void sendMessage(RespT message) {
            call.sendMessage(message);
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (closed) {
                return;
            }
            closed = true;
            call.close(status, trailers);
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            call.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return call.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
            return method;
        }
    }
}
