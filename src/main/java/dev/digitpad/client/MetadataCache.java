package dev.digitpad.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** What each server's models look like, learnt once per server, model, version and signature. */
public final class MetadataCache {
    private record Key(String server, String model, String version, String signature) {}

    private final Map<Key, ModelInterface> entries = new ConcurrentHashMap<>();

    ModelInterface get(
            String server, String model, String version, String signature, Supplier<ModelInterface> discover) {
        return entries.computeIfAbsent(new Key(server, model, version, signature), k -> discover.get());
    }

    /** Forgets what was learnt about a model, e.g. after the server refused a request built from it. */
    void forget(String server, String model) {
        entries.keySet().removeIf(k -> k.server().equals(server) && k.model().equals(model));
    }
}
