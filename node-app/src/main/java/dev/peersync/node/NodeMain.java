package dev.peersync.node;

import dev.peersync.node.config.ConfigException;
import dev.peersync.node.config.ConfigLoader;
import dev.peersync.node.config.LogSetup;
import dev.peersync.node.config.DotenvFile;
import dev.peersync.node.config.NodeConfig;
import dev.peersync.node.config.Setting;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Entry point of a node: {@code java -jar node-app.jar [flags]}; {@code java -jar node-app.jar --new-identity [flags]}
 * gives a cloned database its own node id instead of starting.
 *
 * <p>Every {@link Setting} is a flag; flags beat environment variables, which beat the {@code .env} file of
 * the working directory, which beats the default. Exit codes: 0 after a clean stop, 2 for bad configuration
 * or flags (nothing was started), 1 when the node failed while starting or running.
 */
public final class NodeMain {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_CONFIG = 2;
    /** Instead of starting: give the database a new node id (a cloned database), print it and exit. */
    static final String NEW_IDENTITY = "--new-identity";

    /** Starts a node from a validated configuration and blocks until it stops. */
    @FunctionalInterface
    public interface Launcher {
        void run(NodeConfig config) throws Exception;
    }

    private NodeMain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err, NodeRunner::run);
        if (code != EXIT_OK) {
            System.exit(code);
        }
    }

    /** Parses, validates and launches; returns the exit code. Separate from {@link #main} so tests can call it. */
    public static int run(String[] args, Map<String, String> environment, Path workingDirectory, PrintStream out,
                          PrintStream err, Launcher launcher) {
        CommandLine commandLine = new CommandLine(commandSpec());
        NodeConfig config;
        try {
            ParseResult parsed = commandLine.parseArgs(args);
            if (parsed.isUsageHelpRequested()) {
                commandLine.usage(out);
                return EXIT_OK;
            }
            if (parsed.isVersionHelpRequested()) {
                commandLine.printVersionHelp(out);
                return EXIT_OK;
            }
            Map<Setting, String> flags = new EnumMap<>(Setting.class);
            for (Setting setting : Setting.values()) {
                String value = parsed.matchedOptionValue(setting.flag(), null);
                if (value != null) {
                    flags.put(setting, value);
                }
            }
            config = new ConfigLoader(flags, environment, DotenvFile.read(workingDirectory)).load();
            if (parsed.hasMatchedOption(NEW_IDENTITY)) {
                launcher = cloned -> out.println("This node's database now has node id " + Node.newIdentity(cloned)
                        + "; start the node as usual.");
            }
        } catch (ParameterException e) {
            err.println("peersync-node: " + e.getMessage());
            err.println("Run with --help for the list of flags.");
            return EXIT_CONFIG;
        } catch (ConfigException e) {
            err.println("peersync-node: invalid configuration: " + e.getMessage());
            return EXIT_CONFIG;
        }
        LogSetup.apply(config.logging());
        try {
            launcher.run(config);
            return EXIT_OK;
        } catch (ConfigException e) {
            err.println("peersync-node: invalid configuration: " + e.getMessage());
            return EXIT_CONFIG;
        } catch (Exception e) {
            err.println("peersync-node: the node stopped with an error: " + describe(e));
            return EXIT_FAILED;
        }
    }

    /** The exception and its causes on one line: what an operator needs, without a stack trace. */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.toString());
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(failure);
        for (Throwable cause = failure.getCause(); cause != null && seen.add(cause); cause = cause.getCause()) {
            text.append(" <- caused by: ").append(cause);
        }
        return text.toString();
    }

    static CommandSpec commandSpec() {
        CommandSpec spec = CommandSpec.create()
                .name("peersync-node")
                .version("peersync node " + SoftwareVersion.VALUE)
                .mixinStandardHelpOptions(true);
        spec.usageMessage().description("A Product Review API node that syncs its own PostgreSQL with its peers.",
                "Each flag can also be set by the environment variable named in its description, or in ./.env.");
        spec.addOption(OptionSpec.builder(NEW_IDENTITY)
                .description("Give the configured database a new node id, print it and exit, instead of starting: for a"
                        + " database copied from another node (a clone). Run it with the node stopped.")
                .build());
        for (Setting setting : Setting.values()) {
            String fallback = setting.defaultValue().isEmpty() ? "not set" : setting.defaultValue();
            spec.addOption(OptionSpec.builder(setting.flag())
                    .paramLabel("<" + setting.variable().toLowerCase(Locale.ROOT) + ">")
                    .type(String.class)
                    .description(setting.description() + " Env: " + setting.variable() + "; default: " + fallback + ".")
                    .build());
        }
        return spec;
    }
}
