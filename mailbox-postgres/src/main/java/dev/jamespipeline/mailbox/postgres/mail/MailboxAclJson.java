package dev.jamespipeline.mailbox.postgres.mail;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.apache.james.mailbox.exception.UnsupportedRightException;
import org.apache.james.mailbox.model.MailboxACL;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code mailbox.acl} column: a JSON object from each entry key to its rights, both in James's
 * own RFC 4314 serialization ({@code EntryKey.serialize()}, {@code Rfc4314Rights.serialize()}),
 * so the keys are what {@code acl ? '<user>'} finds.
 */
final class MailboxAclJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> ENTRIES = new TypeReference<>() { };

    private MailboxAclJson() {
    }

    static String toJson(MailboxACL acl) {
        Map<String, String> entries = new TreeMap<>();
        acl.getEntries().forEach((key, rights) -> entries.put(key.serialize(), rights.serialize()));
        try {
            return JSON.writeValueAsString(entries);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A map of strings always serializes", e);
        }
    }

    static MailboxACL fromJson(String json) {
        try {
            Map<MailboxACL.EntryKey, MailboxACL.Rfc4314Rights> entries = new HashMap<>();
            for (Map.Entry<String, String> entry : JSON.readValue(json, ENTRIES).entrySet()) {
                entries.put(MailboxACL.EntryKey.deserialize(entry.getKey()), MailboxACL.Rfc4314Rights.deserialize(entry.getValue()));
            }
            return new MailboxACL(entries);
        } catch (JsonProcessingException | UnsupportedRightException e) {
            throw new IllegalStateException("Unreadable mailbox ACL in PostgreSQL: " + json, e);
        }
    }
}
