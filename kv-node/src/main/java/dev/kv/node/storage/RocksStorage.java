package dev.kv.node.storage;

import dev.kv.node.config.NodeProperties;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The node's RocksDB: column family {@code default} holds records by key, {@code meta} the node's own bookkeeping
 * (its generation). Every write goes through the write-ahead log; whether it is also fsynced is configurable.
 * Opens on construction, closes on shutdown.
 */
@Component
public class RocksStorage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RocksStorage.class);

    static {
        RocksDB.loadLibrary();
    }

    private final DBOptions dbOptions;
    private final ColumnFamilyOptions columnOptions;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final ColumnFamilyHandle records;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle hints;
    private final Path directory;

    public RocksStorage(NodeProperties properties) throws Exception {
        directory = properties.dataDir().toAbsolutePath();
        createPrivateDirectory(directory);
        dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2).setKeepLogFileNum(3)
                // Write the log and new table files out to disk as they grow, 1 MiB at a time, instead of all at
                // once: at every memtable switch RocksDB syncs the finished log, and with 64 MB of it still in the
                // page cache that sync and the new table file's held the node's writes for up to seconds, on all
                // three replicas together, since they fill their memtables in step (open loop at half load: a
                // latency spike at every flush; docs/benchmarks.md, "Open loop").
                .setWalBytesPerSync(1 << 20).setBytesPerSync(1 << 20);
        columnOptions = new ColumnFamilyOptions()
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(new BloomFilter(10, false)));
        writeOptions = new WriteOptions().setSync(properties.syncWrites());
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, columnOptions),
                new ColumnFamilyDescriptor("meta".getBytes(), columnOptions),
                new ColumnFamilyDescriptor("hints".getBytes(), columnOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
        records = handles.get(0);
        meta = handles.get(1);
        hints = handles.get(2);
        log.info("RocksDB open at {} (sync writes: {})", directory, properties.syncWrites());
    }

    /**
     * The data directory is the node's alone, as etcd keeps its own: created {@code 0700}, and tightened to it if an
     * earlier version or another umask left it open. RocksDB creates its files inside with the process umask, which
     * {@code ./kv up} sets to 077 as well; the directory's mode already keeps other users out of them.
     */
    static void createPrivateDirectory(Path directory) throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(directory);
            return;
        }
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rwx------");
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(ownerOnly));
        }
        // createDirectories applies the umask on top of the attribute; set the mode explicitly either way.
        if (!Files.getPosixFilePermissions(directory).equals(ownerOnly)) {
            Files.setPosixFilePermissions(directory, ownerOnly);
            log.info("data directory {} restricted to its owner (0700)", directory);
        }
    }

    public Path directory() {
        return directory;
    }

    public byte[] get(byte[] key) {
        try {
            return db.get(records, key);
        } catch (RocksDBException e) {
            throw new StorageException("read failed", e);
        }
    }

    public void put(byte[] key, byte[] value) {
        try {
            db.put(records, writeOptions, key, value);
        } catch (RocksDBException e) {
            throw new StorageException("write failed", e);
        }
    }

    public void delete(byte[] key) {
        try {
            db.delete(records, writeOptions, key);
        } catch (RocksDBException e) {
            throw new StorageException("delete failed", e);
        }
    }

    public byte[] getMeta(String name) {
        try {
            return db.get(meta, name.getBytes());
        } catch (RocksDBException e) {
            throw new StorageException("meta read failed", e);
        }
    }

    public void putMeta(String name, byte[] value) {
        try {
            db.put(meta, new WriteOptions().setSync(true), name.getBytes(), value);
        } catch (RocksDBException e) {
            throw new StorageException("meta write failed", e);
        }
    }

    /**
     * A scan over every record as of now: RocksDB pins a consistent view when the iterator is created, so writes
     * that commit after this call are not seen however long the scan takes. Close it when done.
     */
    public Scan openScan() {
        return new Scan(db.newIterator(records));
    }

    /** A point-in-time scan of the records, in key order. */
    public static final class Scan implements AutoCloseable {

        private final RocksIterator iterator;

        private Scan(RocksIterator iterator) {
            this.iterator = iterator;
        }

        /** Visits every record of the view until {@code visitor} returns false. */
        public void forEach(BiPredicate<byte[], byte[]> visitor) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                if (!visitor.test(iterator.key(), iterator.value())) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            iterator.close();
        }
    }

    /** Visits records with storage keys in {@code [from, to)}, in order, until {@code visitor} returns false. */
    public void forEachInRange(byte[] from, byte[] to, BiPredicate<byte[], byte[]> visitor) {
        try (RocksIterator iterator = db.newIterator(records)) {
            for (iterator.seek(from); iterator.isValid(); iterator.next()) {
                byte[] key = iterator.key();
                if ((to != null && java.util.Arrays.compareUnsigned(key, to) >= 0) || !visitor.test(key,
                        iterator.value())) {
                    return;
                }
            }
        }
    }

    /** How many records have storage keys in {@code [from, to)} ({@code to} null: to the end); reads keys only. */
    public long countRecords(byte[] from, byte[] to) {
        long count = 0;
        try (RocksIterator iterator = db.newIterator(records)) {
            for (iterator.seek(from); iterator.isValid(); iterator.next()) {
                if (to != null && java.util.Arrays.compareUnsigned(iterator.key(), to) >= 0) {
                    break;
                }
                count++;
            }
        }
        return count;
    }

    /**
     * Drops the records with storage keys in {@code [from, to)} ({@code to} null: to the end) at once, as one range
     * tombstone: for data this node must not keep (a range it is about to take over afresh, or the whole store of a
     * member that left). Callers hold whatever locks keep writes out of the range.
     */
    public void deleteRecordRange(byte[] from, byte[] to) {
        byte[] end = to != null ? to : new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        try {
            db.deleteRange(records, writeOptions, from, end);
        } catch (RocksDBException e) {
            throw new StorageException("range delete failed", e);
        }
    }

    /** Drops every hint (the store of a member that left). */
    public void deleteAllHints() {
        try {
            db.deleteRange(hints, writeOptions, new byte[0], new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                    (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        } catch (RocksDBException e) {
            throw new StorageException("hint delete failed", e);
        }
    }

    /** Hints live in their own column family so that a hint backlog never slows record reads. */
    public void putHint(byte[] key, byte[] value) {
        try {
            db.put(hints, writeOptions, key, value);
        } catch (RocksDBException e) {
            throw new StorageException("hint write failed", e);
        }
    }

    public void deleteHint(byte[] key) {
        try {
            db.delete(hints, writeOptions, key);
        } catch (RocksDBException e) {
            throw new StorageException("hint delete failed", e);
        }
    }

    /** Visits hints whose key starts with {@code prefix}, in key order, until {@code visitor} returns false. */
    public void forEachHint(byte[] prefix, BiPredicate<byte[], byte[]> visitor) {
        try (RocksIterator iterator = db.newIterator(hints)) {
            for (iterator.seek(prefix); iterator.isValid(); iterator.next()) {
                byte[] key = iterator.key();
                if (!startsWith(key, prefix) || !visitor.test(key, iterator.value())) {
                    return;
                }
            }
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    public long estimatedKeys() {
        return property("rocksdb.estimate-num-keys");
    }

    public long liveDataBytes() {
        return property("rocksdb.estimate-live-data-size");
    }

    public long totalSstBytes() {
        return property("rocksdb.total-sst-files-size");
    }

    private long property(String name) {
        try {
            return db.getLongProperty(records, name);
        } catch (RocksDBException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        log.info("closing RocksDB at {}", directory);
        records.close();
        meta.close();
        hints.close();
        db.close();
        writeOptions.close();
        columnOptions.close();
        dbOptions.close();
    }
}
