package dev.kv.bench.ycsb;

import dev.kv.bench.KvHttp;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;

/**
 * YCSB binding for the gateway's HTTP API. A YCSB record (a map of fields) is stored as one value under the key
 * {@code <table>/<key>} in {@link FieldCodec}'s binary form. An update changes some fields, so it reads the record
 * and writes the merge back with the read's context (a causal read-modify-write, never a blind overwrite). Concurrent
 * updates of one key leave siblings (a 300); a read then returns the union of their fields and the next update,
 * written with the 300's context, resolves them.
 * Properties: {@code kv.urls} (comma-separated gateways, default {@code http://127.0.0.1:8080}),
 * {@code kv.consistency} (default {@code strong}, as YCSB's guide asks), or {@code kv.r} / {@code kv.w} to name
 * quorums instead, {@code kv.ttl} (seconds, none by default), {@code kv.timeout} (ms, default 2000).
 * {@code scan} is not supported: keys are hashed over the ring, so there is no order to scan in.
 */
public class KvYcsbClient extends DB {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private KvHttp http;
    private String readQuery;
    private String writeQuery;

    @Override
    public void init() throws DBException {
        Properties properties = getProperties();
        List<URI> urls = new ArrayList<>();
        for (String url : properties.getProperty("kv.urls", "http://127.0.0.1:8080").split(",")) {
            urls.add(URI.create(url.trim().replaceAll("/$", "")));
        }
        try {
            Config config = Config.of(properties);
            readQuery = config.readQuery();
            writeQuery = config.writeQuery();
            http = new KvHttp(urls, 1, Duration.ofMillis(config.timeoutMillis()));
        } catch (IllegalArgumentException e) {
            throw new DBException(e.getMessage(), e);
        }
    }

    @Override
    public void cleanup() {
        if (http != null) {
            http.close();
        }
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            KvHttp.Answer answer = http.get(table + "/" + key, readQuery);
            if (answer.status() == 404) {
                return Status.NOT_FOUND;
            }
            if (answer.status() != 200 && answer.status() != 300) {
                return Status.ERROR;
            }
            for (Map.Entry<String, byte[]> field : fields(answer).entrySet()) {
                if (fields == null || fields.contains(field.getKey())) {
                    result.put(field.getKey(), new ByteArrayByteIterator(field.getValue()));
                }
            }
            return Status.OK;
        } catch (RuntimeException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status scan(String table, String startKey, int recordCount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        return Status.NOT_IMPLEMENTED;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        try {
            KvHttp.Answer current = http.get(table + "/" + key, readQuery);
            if (current.status() != 200 && current.status() != 300 && current.status() != 404) {
                return Status.ERROR;
            }
            Map<String, byte[]> fields = current.status() == 404 ? new HashMap<>() : fields(current);
            values.forEach((name, value) -> fields.put(name, value.toArray()));
            return written(http.put(table + "/" + key, FieldCodec.encode(fields), writeQuery, current.context()));
        } catch (RuntimeException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        try {
            Map<String, byte[]> fields = new HashMap<>();
            values.forEach((name, value) -> fields.put(name, value.toArray()));
            return written(http.put(table + "/" + key, FieldCodec.encode(fields), writeQuery, null));
        } catch (RuntimeException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            return written(http.delete(table + "/" + key, writeQuery));
        } catch (RuntimeException e) {
            return Status.ERROR;
        }
    }

    /** The record's fields; with siblings, the union of theirs (a later sibling's field wins). */
    private static Map<String, byte[]> fields(KvHttp.Answer answer) {
        if (answer.status() == 200) {
            return FieldCodec.decode(answer.body());
        }
        Map<String, byte[]> union = new HashMap<>();
        for (JsonNode sibling : JSON.readTree(answer.body()).path("siblings")) {
            JsonNode value = sibling.get("value");
            if (value != null && value.isString()) {
                union.putAll(FieldCodec.decode(Base64.getDecoder().decode(value.asString())));
            }
        }
        return union;
    }

    private static Status written(KvHttp.Answer answer) {
        return answer.status() == 204 ? Status.OK : Status.ERROR;
    }
}
