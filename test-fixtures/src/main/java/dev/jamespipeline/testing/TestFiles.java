package dev.jamespipeline.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/** Real documents, generated with the libraries that write them, in memory. */
public final class TestFiles {

    private TestFiles() {
    }

    public static byte[] pdf(String text) {
        return pdf(text, null);
    }

    /** A PDF that cannot be opened without {@code userPassword}. */
    public static byte[] encryptedPdf(String text, String userPassword) {
        return pdf(text, userPassword);
    }

    private static byte[] pdf(String text, String userPassword) {
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage();
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.newLineAtOffset(72, 700);
                content.showText(text);
                content.endText();
            }
            if (userPassword != null) {
                StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-" + userPassword, userPassword, new AccessPermission());
                policy.setEncryptionKeyLength(256);
                document.protect(policy);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] docx(String text) {
        try (XWPFDocument document = new XWPFDocument()) {
            document.createParagraph().createRun().setText(text);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A zip holding one text file of {@code uncompressedBytes} bytes of one repeated sentence:
     * it deflates more than two hundred to one, and only the compressed bytes are ever in memory.
     */
    public static byte[] zipBomb(long uncompressedBytes) {
        byte[] chunk = "all work and no play makes jack a dull boy\n".repeat(1500).getBytes(StandardCharsets.US_ASCII);
        return zipOf(zip -> {
            zip.setLevel(Deflater.BEST_SPEED);
            zip.putNextEntry(new ZipEntry("bomb.txt"));
            for (long written = 0; written < uncompressedBytes; written += chunk.length) {
                zip.write(chunk);
            }
            zip.closeEntry();
        });
    }

    private static byte[] zip(String entryName, byte[] content) {
        return zipOf(zip -> addEntry(zip, entryName, content));
    }

    /** A zip of {@code count} small text files. */
    public static byte[] zipOfTextFiles(int count, String text) {
        return zipOf(zip -> {
            for (int i = 0; i < count; i++) {
                addEntry(zip, "file-" + i + ".txt", (text + " " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    /** A text file inside {@code levels} zips, each inside the next. */
    public static byte[] nestedZips(int levels, String text) {
        byte[] content = zip("innermost.txt", text.getBytes(StandardCharsets.UTF_8));
        for (int level = 2; level <= levels; level++) {
            content = zip("level-" + level + ".zip", content);
        }
        return content;
    }

    private static void addEntry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    private static byte[] zipOf(ZipEntries entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            entries.writeTo(zip);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @FunctionalInterface
    private interface ZipEntries {
        void writeTo(ZipOutputStream zip) throws IOException;
    }
}
