package dev.digitpad.testing;

import io.grpc.Channel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A server-reflection client, as grpcurl uses it: which services does the server say it has? */
public final class Reflection {
    private Reflection() {}

    /** The names of the services the server at {@code channel} lists, waiting at most {@code deadline}. */
    public static List<String> services(Channel channel, Duration deadline) throws Exception {
        return ask(
                        channel,
                        deadline,
                        ServerReflectionRequest.newBuilder().setListServices("").build())
                .getListServicesResponse()
                .getServiceList()
                .stream()
                .map(ServiceResponse::getName)
                .toList();
    }

    /**
     * The methods of {@code service} (a full name), from the file descriptor the server gives for it, as grpcurl finds
     * the method it is asked to call.
     */
    public static List<String> methods(Channel channel, String service, Duration deadline) throws Exception {
        ServerReflectionResponse answer = ask(
                channel,
                deadline,
                ServerReflectionRequest.newBuilder()
                        .setFileContainingSymbol(service)
                        .build());
        List<String> methods = new java.util.ArrayList<>();
        for (com.google.protobuf.ByteString file :
                answer.getFileDescriptorResponse().getFileDescriptorProtoList()) {
            com.google.protobuf.DescriptorProtos.FileDescriptorProto proto =
                    com.google.protobuf.DescriptorProtos.FileDescriptorProto.parseFrom(file);
            for (var s : proto.getServiceList()) {
                if ((proto.getPackage() + "." + s.getName()).equals(service)) {
                    s.getMethodList().forEach(m -> methods.add(m.getName()));
                }
            }
        }
        return methods;
    }

    private static ServerReflectionResponse ask(Channel channel, Duration deadline, ServerReflectionRequest request)
            throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        requests.onNext(request);
        try {
            return answer.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            requests.onCompleted();
        }
    }
}
