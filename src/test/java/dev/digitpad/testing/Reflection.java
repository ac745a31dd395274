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
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        try {
            return answer
                    .get(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .getListServicesResponse()
                    .getServiceList()
                    .stream()
                    .map(ServiceResponse::getName)
                    .toList();
        } finally {
            requests.onCompleted();
        }
    }
}
