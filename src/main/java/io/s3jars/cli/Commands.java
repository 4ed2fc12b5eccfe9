package io.s3jars.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** What every command shares: picocli's parsing and help, and one exit status for a wrong argument. */
final class Commands {

    private Commands() {
    }

    static int execute(Object command, String[] args, PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(command);
        line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        line.setParameterExceptionHandler((problem, arguments) -> {
            err.println(problem.getMessage());
            problem.getCommandLine().usage(new PrintWriter(err, true, StandardCharsets.UTF_8));
            return ExitCodes.BAD_INPUT;
        });
        line.setExecutionExceptionHandler((problem, commandLine, parsed) -> {
            err.println(commandLine.getCommandName() + ": " + problem.getMessage());
            return ExitCodes.BAD_INPUT;
        });
        return line.execute(args);
    }
}
