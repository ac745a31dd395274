package dev.digitpad.app.shared;

/** DigitPad's version, from the jar's manifest, where the build writes the pom's version. */
public final class AppVersion {
    private AppVersion() {}

    public static String current() {
        String v = AppVersion.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
