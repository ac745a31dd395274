package dev.digitpad.app;

/** Placeholder entry point until the command line lands. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.err.println("DigitPad: the command line is being built.");
        System.exit(2);
    }
}
