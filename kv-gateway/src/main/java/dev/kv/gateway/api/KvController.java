package dev.kv.gateway.api;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.contract.Headers;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.gateway.config.GatewayProperties;
import dev.kv.gateway.quorum.QuorumReader;
import dev.kv.gateway.quorum.QuorumWriter;
import dev.kv.gateway.replica.CoordinateRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/**
 * The public key-value API (DESIGN §2). The key is the raw rest of the path, validated by {@link KeyPath}. Served by
 * {@link KeyRouteValve} ahead of Spring MVC for GET, PUT and DELETE; the mappings here document the API and serve
 * the requests the valve passes on.
 */
@RestController
@Tag(name = "kv", description = "Read, write and delete keys with per-request consistency")
@ApiResponse(responseCode = "400", description = "Invalid key or parameter; the problem names the parameter",
        content = @Content(mediaType = KvController.PROBLEM))
@ApiResponse(responseCode = "503", description = "Quorum not reached: how many replicas answered of how many were "
        + "needed and contacted, with Retry-After", content = @Content(mediaType = KvController.PROBLEM))
class KvController {

    static final String PROBLEM = "application/problem+json";

    private static final String KEY_ROUTE = "/v1/kv/**";

    private final QuorumReader reader;
    private final QuorumWriter writer;
    private final GatewayProperties properties;
    private final InstantSource clock;

    KvController(QuorumReader reader, QuorumWriter writer, GatewayProperties properties, InstantSource clock) {
        this.reader = reader;
        this.writer = writer;
        this.properties = properties;
        this.clock = clock;
    }

    @GetMapping(KEY_ROUTE)
    @Operation(operationId = "getValue", summary = "Read a key",
            description = "Answers the value as stored, with its Content-Type, X-KV-Context and ETag. With "
                    + "Accept: application/json, a JSON envelope. Concurrent versions answer 300 with all siblings "
                    + "and one context covering them.")
    @ApiResponse(responseCode = "200", description = "The value",
            content = {@Content(mediaType = "*/*", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "application/json", schema = @Schema(implementation = ValueEnvelope.class))})
    @ApiResponse(responseCode = "300", description = "Concurrent versions (siblings)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ValueEnvelope.class)))
    @ApiResponse(responseCode = "404", description = "Absent, deleted or expired", content = @Content(
            mediaType = PROBLEM))
    @Parameter(name = "r", in = ParameterIn.QUERY, description = "read quorum: 1..N, one, quorum or all",
            schema = @Schema(type = "string"))
    @Parameter(name = "consistency", in = ParameterIn.QUERY, description = "strong, eventual, fast-write or fast-read",
            schema = @Schema(type = "string"))
    @Parameter(name = HttpHeaders.ACCEPT, in = ParameterIn.HEADER, schema = @Schema(type = "string"))
    ResponseEntity<?> get(HttpServletRequest request, HttpServletResponse servletResponse) throws IOException {
        String key = key(request);
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        RequestOptions.rejectUnknown(request.getParameterMap(), RequestOptions.READ_PARAMETERS);
        QuorumSpec spec = quorum(request);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        Record record = reader.read(keyBytes, spec);
        List<Sibling> live = record.liveSiblings(clock.millis());
        if (live.isEmpty()) {
            throw new KeyNotFoundException(key, record.isEmpty() ? null : VersionHeaders.context(record));
        }
        if (live.size() > 1) {
            return ResponseEntity.status(HttpStatus.MULTIPLE_CHOICES).contentType(MediaType.APPLICATION_JSON)
                    .header(Headers.CONTEXT, VersionHeaders.context(record))
                    .header(Headers.SIBLINGS, String.valueOf(live.size()))
                    .body(VersionHeaders.envelope(key, record, live));
        }
        Sibling value = live.getFirst();
        if (wantsEnvelope(accept)) {
            ResponseEntity.BodyBuilder response = ResponseEntity.ok()
                    .header(Headers.CONTEXT, VersionHeaders.context(record))
                    .eTag(VersionHeaders.etag(live));
            if (value.hasExpiry()) {
                response.header(Headers.EXPIRES_AT, Instant.ofEpochMilli(value.expiresAtMillis()).toString());
            }
            return response.contentType(MediaType.APPLICATION_JSON).body(VersionHeaders.envelope(key, record, live));
        }
        // The common answer, the raw value, is written here rather than through Spring MVC's return value handling
        // (content negotiation, converter and advice lookup), which cost more than the gateway's own work (issue 13).
        servletResponse.setStatus(HttpServletResponse.SC_OK);
        servletResponse.setHeader(Headers.CONTEXT, VersionHeaders.context(record));
        servletResponse.setHeader(HttpHeaders.ETAG, VersionHeaders.etag(live));
        if (value.hasExpiry()) {
            servletResponse.setHeader(Headers.EXPIRES_AT,
                    Instant.ofEpochMilli(value.expiresAtMillis()).toString());
        }
        servletResponse.setContentType(storedType(value).toString());
        servletResponse.setContentLength(value.value().length);
        servletResponse.getOutputStream().write(value.value());
        return null;
    }

    @PutMapping(KEY_ROUTE)
    @Operation(operationId = "putValue", summary = "Write a key",
            description = "Stores the request body (0 bytes to the configured limit, 1 MiB by default) with its "
                    + "Content-Type. Send the X-KV-Context of a previous read to supersede what it saw; without "
                    + "it the write supersedes what the coordinator holds.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The value, raw bytes",
            content = @Content(mediaType = "*/*", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "204", description = "Stored at W replicas; the new version's X-KV-Context and ETag")
    @ApiResponse(responseCode = "409", description = "Too many concurrent versions; read and resolve them first",
            content = @Content(mediaType = PROBLEM))
    @ApiResponse(responseCode = "413", description = "Value too large",
            content = @Content(mediaType = PROBLEM))
    @Parameter(name = "w", in = ParameterIn.QUERY, description = "write quorum: 1..N, one, quorum or all",
            schema = @Schema(type = "string"))
    @Parameter(name = "consistency", in = ParameterIn.QUERY, description = "strong, eventual, fast-write or fast-read",
            schema = @Schema(type = "string"))
    @Parameter(name = "sloppy", in = ParameterIn.QUERY, description = "count hinted stand-ins toward W",
            schema = @Schema(type = "string"))
    @Parameter(name = "ttl", in = ParameterIn.QUERY, description = "time to live in seconds",
            schema = @Schema(type = "string"))
    @Parameter(name = Headers.CONTEXT, in = ParameterIn.HEADER,
            description = "causal context from a previous read", schema = @Schema(type = "string"))
    ResponseEntity<Void> put(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String key = key(request);
        String context = request.getHeader(Headers.CONTEXT);
        RequestOptions.rejectUnknown(request.getParameterMap(), RequestOptions.WRITE_PARAMETERS);
        QuorumSpec spec = quorum(request);
        Long ttlSeconds = RequestOptions.ttlSeconds(request.getParameterMap());
        String checkedContext = checkContext(context);
        byte[] value = readBody(request);
        String contentType = request.getContentType() == null ? MediaType.APPLICATION_OCTET_STREAM_VALUE
                : request.getContentType();
        return written(writer.write(key.getBytes(StandardCharsets.UTF_8),
                new CoordinateRequest(value, contentType, ttlSeconds, checkedContext, false), spec, "write"),
                response);
    }

    @DeleteMapping(KEY_ROUTE)
    @Operation(operationId = "deleteValue", summary = "Delete a key",
            description = "Writes a tombstone that dominates every older version.")
    @ApiResponse(responseCode = "204", description = "Deleted at W replicas")
    @ApiResponse(responseCode = "409", description = "Too many concurrent versions; read and resolve them first",
            content = @Content(mediaType = PROBLEM))
    @Parameter(name = "w", in = ParameterIn.QUERY, description = "write quorum: 1..N, one, quorum or all",
            schema = @Schema(type = "string"))
    @Parameter(name = "consistency", in = ParameterIn.QUERY, description = "strong, eventual, fast-write or fast-read",
            schema = @Schema(type = "string"))
    @Parameter(name = "sloppy", in = ParameterIn.QUERY, description = "count hinted stand-ins toward W",
            schema = @Schema(type = "string"))
    @Parameter(name = Headers.CONTEXT, in = ParameterIn.HEADER,
            description = "causal context from a previous read", schema = @Schema(type = "string"))
    ResponseEntity<Void> delete(HttpServletRequest request, HttpServletResponse response) {
        String key = key(request);
        String context = request.getHeader(Headers.CONTEXT);
        RequestOptions.rejectUnknown(request.getParameterMap(), RequestOptions.DELETE_PARAMETERS);
        QuorumSpec spec = quorum(request);
        String checkedContext = checkContext(context);
        return written(writer.write(key.getBytes(StandardCharsets.UTF_8),
                new CoordinateRequest(new byte[0], null, null, checkedContext, true), spec, "delete"), response);
    }

    /** 204 with the new version's headers, written directly (see {@link #get}); null tells Spring it is done. */
    private ResponseEntity<Void> written(Record record, HttpServletResponse response) {
        List<Sibling> live = record.liveSiblings(clock.millis());
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        response.setHeader(Headers.CONTEXT, VersionHeaders.context(record));
        response.setHeader(HttpHeaders.ETAG, VersionHeaders.etag(live.isEmpty() ? record.siblings() : live));
        if (live.size() > 1) {
            response.setHeader(Headers.SIBLINGS, String.valueOf(live.size()));
        }
        return null;
    }

    /**
     * The key {@link KeyPathFilter} validated and decoded. The handlers read their parameters from the request
     * themselves (documented on the methods): Spring MVC's argument resolution builds a data binder per argument,
     * a tenth of the gateway's CPU per request (issue 13).
     */
    private static String key(HttpServletRequest request) {
        return (String) request.getAttribute(KeyPathFilter.KEY_ATTRIBUTE);
    }

    private QuorumSpec quorum(HttpServletRequest request) {
        return RequestOptions.quorum(request.getParameterMap(), properties.replicationFactor(),
                properties.defaultConsistency());
    }

    /** Parses the context here so that a malformed one is the client's 400, not a coordinator failure. */
    private static String checkContext(String context) {
        if (context == null || context.isBlank()) {
            return null;
        }
        try {
            RecordCodec.parseContextToken(context);
        } catch (IllegalArgumentException e) {
            throw new dev.kv.core.quorum.InvalidParameterException(Headers.CONTEXT,
                    Headers.CONTEXT + " is not a context this store issued: " + e.getMessage());
        }
        return context.trim();
    }

    private byte[] readBody(HttpServletRequest request) throws IOException {
        long limit = properties.valueMax().toBytes();
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            throw new ValueTooLargeException(limit);
        }
        try (InputStream body = request.getInputStream()) {
            if (declared >= 0) {
                // The usual case: read into an array of exactly the declared size. (Reading up to the limit first
                // allocated a 16 KiB buffer per write, a fifth of everything the gateway allocated; issue 13.)
                byte[] value = new byte[(int) declared];
                int read = body.readNBytes(value, 0, value.length);
                if (read < value.length) {
                    throw new EOFException("the body ended after " + read + " of its " + declared + " bytes");
                }
                return value;
            }
            byte[] value = body.readNBytes((int) limit + 1);
            if (value.length > limit) {
                throw new ValueTooLargeException(limit);
            }
            return value;
        }
    }

    private static boolean wantsEnvelope(String accept) {
        if (accept == null) {
            return false;
        }
        List<MediaType> accepted;
        try {
            accepted = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            // The client's error, not an internal one.
            throw new dev.kv.core.quorum.InvalidParameterException(HttpHeaders.ACCEPT,
                    "the Accept header is not a list of media types: " + e.getMessage());
        }
        for (MediaType type : accepted) {
            if (type.getQualityValue() > 0 && MediaType.APPLICATION_JSON.equalsTypeAndSubtype(type)) {
                return true;
            }
        }
        return false;
    }

    private static MediaType storedType(Sibling value) {
        try {
            return value.contentType().isEmpty() ? MediaType.APPLICATION_OCTET_STREAM
                    : MediaType.parseMediaType(value.contentType());
        } catch (IllegalArgumentException e) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
    }
}
