package dev.digitpad.app.cli;

import dev.digitpad.training.Architecture;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --architecture}, for the commands that build or describe the digit network. */
final class ArchitectureOption {
    @Option(
            names = "--architecture",
            paramLabel = "NAME",
            defaultValue = Architecture.SHIPPED,
            converter = ByName.class,
            description = "The network: \"default\" (convolutions of 16 and 32 channels) or \"wide\" (24 and 40), as"
                    + " the shipped model (default: ${DEFAULT-VALUE}).")
    Architecture value;

    /** A name of {@link Architecture#OPTIONS}; another is a usage error naming the choices. */
    static final class ByName implements ITypeConverter<Architecture> {
        @Override
        public Architecture convert(String name) {
            try {
                return Architecture.named(name);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
