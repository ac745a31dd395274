package dev.digitpad.app.cli;

import dev.digitpad.app.shared.AppVersion;
import picocli.CommandLine;

/** What {@code --version} prints, for every command. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"DigitPad " + AppVersion.current()};
    }
}
