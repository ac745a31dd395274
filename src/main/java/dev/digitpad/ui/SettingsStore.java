package dev.digitpad.ui;

/** Where settings are kept between runs. Loading never fails: a missing or broken store gives the defaults. */
public interface SettingsStore {
    Settings load();

    void save(Settings settings);
}
