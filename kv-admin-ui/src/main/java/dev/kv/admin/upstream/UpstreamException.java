package dev.kv.admin.upstream;

/** A service the dashboard reads could not be reached or did not answer in time. */
public class UpstreamException extends RuntimeException {

    private final String service;

    public UpstreamException(String service, Throwable cause) {
        super(service + " cannot be reached: " + cause.getMessage(), cause);
        this.service = service;
    }

    public String service() {
        return service;
    }
}
