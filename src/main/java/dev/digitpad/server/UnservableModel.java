package dev.digitpad.server;

import java.io.IOException;

/**
 * A model that cannot be served as asked: it did not load, or lacks the signature its caller calls. The
 * message says why and what to do, in words for the person who pointed DigitPad at the model.
 */
public final class UnservableModel extends IOException {
    private static final long serialVersionUID = 1L;

    public UnservableModel(String message) {
        super(message);
    }
}
