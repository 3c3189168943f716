package dev.kv.core.quorum;

/** A request parameter that cannot be honoured; names the parameter for the client's benefit. */
public final class InvalidParameterException extends IllegalArgumentException {

    private final String parameter;

    public InvalidParameterException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
