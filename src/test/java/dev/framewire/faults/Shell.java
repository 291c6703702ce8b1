package dev.framewire.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system tools the fault suite needs ({@code ip}, {@code nft}, {@code tc}, {@code kill})
 * and fails with their own error output, so a broken setup says what went wrong.
 */
final class Shell {

    /** What one command did. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Shell() {
    }

    /** Runs {@code command} and returns its exit code and combined output; never throws for a failure exit. */
    static Result tryRun(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // The tools print a line or two, so reading before waiting cannot dead-lock.
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " did not finish within 30 s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            // Typically "No such file or directory": the tool is not installed.
            return new Result(-1, String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, String.join(" ", command) + ": interrupted");
        }
    }

    /** Runs {@code command} and fails with its output unless it exits with 0. */
    static String run(String... command) {
        Result result = tryRun(command);
        if (!result.ok()) {
            throw new IllegalStateException("`" + String.join(" ", command) + "` failed (exit "
                    + result.exitCode() + "): " + result.output());
        }
        return result.output();
    }

    /** {@link #run} with the command given as a list. */
    static String run(List<String> command) {
        return run(command.toArray(String[]::new));
    }
}
