package dev.jamespipeline.mailbox.postgres.mail;

import java.util.List;

import org.apache.james.mailbox.store.mail.model.Property;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** James's MIME properties as the JSON of column {@code message.properties}: a list, order and duplicates kept. */
final class PropertiesJson {
    private record StoredProperty(String namespace, String name, String value) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<StoredProperty>> LIST = new TypeReference<>() {
    };

    private PropertiesJson() {
    }

    static String write(List<Property> properties) {
        try {
            return JSON.writeValueAsString(properties.stream()
                .map(property -> new StoredProperty(property.getNamespace(), property.getLocalName(), property.getValue()))
                .toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write message properties as JSON", e);
        }
    }

    static List<Property> read(String json) {
        try {
            return JSON.readValue(json, LIST).stream()
                .map(stored -> new Property(stored.namespace(), stored.name(), stored.value()))
                .toList();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Column message.properties holds invalid JSON", e);
        }
    }
}
