package io.dse4j;

/**
 * A bad argument or bad data: names the argument (or data item) that was wrong, what it was and what is allowed.
 * Nothing was computed.
 */
public final class InvalidInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String argument;
    private final String problem;

    /**
     * @param argument the name of the argument or data item that was wrong
     * @param problem  what was wrong and what is allowed, as a sentence fragment
     */
    public InvalidInputException(String argument, String problem) {
        super(argument + ": " + problem);
        this.argument = argument;
        this.problem = problem;
    }

    /** The name of the argument or data item that was wrong. */
    public String argument() {
        return argument;
    }

    /** What was wrong and what is allowed: the message after the argument's name (for a caller adding context). */
    public String problem() {
        return problem;
    }
}
