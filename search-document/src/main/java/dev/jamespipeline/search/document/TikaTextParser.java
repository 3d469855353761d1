package dev.jamespipeline.search.document;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.io.input.BoundedInputStream;
import org.apache.commons.io.input.ProxyInputStream;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.CompositeEncodingDetector;
import org.apache.tika.detect.EncodingDetector;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.exception.ZeroByteFileException;
import org.apache.tika.extractor.EmbeddedDocumentExtractor;
import org.apache.tika.extractor.ParsingEmbeddedDocumentExtractor;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.AutoDetectParserConfig;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.sax.BodyContentHandler;
import org.apache.tika.sax.ContentHandlerDecorator;
import org.apache.tika.sax.WriteOutContentHandler;
import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * One Tika parse of one attachment, held to the {@link ExtractionLimits}: what runs on an
 * extraction thread. It turns every way a parse can end into an {@link ExtractionResult}; the
 * time limit is the caller's ({@link AttachmentTextExtractor}), which cancels through the flag
 * passed to {@link #parse}.
 */
final class TikaTextParser {

    /** Tika's own default ratio of output characters to input bytes, written here so the rule is visible. */
    private static final long MAX_COMPRESSION_RATIO = 100;
    private static final String SUSPECTED_ZIP_BOMB_PREFIX = "Suspected zip bomb: ";

    private final ExtractionLimits limits;
    private final AutoDetectParser parser;
    private final EncodingDetector detectedEncoding;

    TikaTextParser(ExtractionLimits limits) {
        this.limits = limits;
        TikaConfig config = tikaConfig();
        this.parser = new AutoDetectParser(config);
        this.parser.setAutoDetectParserConfig(zipBombLimits(limits));
        this.detectedEncoding = config.getEncodingDetector();
    }

    /**
     * Parsers, detectors and MIME types come from the class loader that loaded this class, never
     * from the thread's context class loader: under James that is James's loader, which sees
     * other versions of these libraries or none, and a server jar relocates them next to us.
     */
    private static TikaConfig tikaConfig() {
        try {
            return new TikaConfig(TikaTextParser.class.getClassLoader());
        } catch (TikaException | IOException e) {
            throw new IllegalStateException("Tika's configuration cannot be loaded: " + e.getMessage(), e);
        }
    }

    /**
     * Tika's compression-ratio check against zip bombs. Nesting depth and the number of embedded
     * documents are counted by {@link EmbeddedDocumentLimits} instead of Tika's own checks: those
     * fire inside nested parses, where the parser one level up catches and drops them.
     */
    private static AutoDetectParserConfig zipBombLimits(ExtractionLimits limits) {
        AutoDetectParserConfig config = new AutoDetectParserConfig();
        // The ratio check only starts after this many characters. It must start well before the
        // write limit stops the parse, or a bomb would merely look like a long text.
        config.setOutputThreshold(Math.max(1, limits.maxOutputChars() / 10));
        config.setMaximumCompressionRatio(MAX_COMPRESSION_RATIO);
        return config;
    }

    /**
     * Reads {@code content} (and closes it) and returns its text or why there is none. Never throws
     * for anything the content can cause.
     *
     * @param declaredContentType the part's Content-Type (parameters allowed), a hint; may be empty
     * @param fileName            the part's file name, a hint; may be empty
     * @param cancelled           set by the caller when it stops waiting: the parse then ends at its
     *                            next read or output
     */
    ExtractionResult parse(InputStream content, String declaredContentType, String fileName, AtomicBoolean cancelled) {
        Metadata metadata = new Metadata();
        if (!fileName.isEmpty()) {
            metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName);
        }
        if (!declaredContentType.isEmpty()) {
            metadata.set(Metadata.CONTENT_TYPE, declaredContentType);
        }
        ParseContext context = new ParseContext();
        // Embedded documents (archive entries, attachments of office files) go through the same
        // parser, so through the same zip-bomb checks.
        context.set(Parser.class, parser);
        context.set(EncodingDetector.class, encodingDetector(metadata, declaredContentType));
        EmbeddedDocumentLimits embedded = new EmbeddedDocumentLimits(context, limits);
        context.set(EmbeddedDocumentExtractor.class, embedded);
        WriteOutContentHandler text = new WriteOutContentHandler(limits.maxOutputChars());
        AtomicBoolean tooLarge = new AtomicBoolean();

        try (InputStream input = guard(content, tooLarge, cancelled)) {
            parser.parse(input, new CancellableContentHandler(new BodyContentHandler(text), cancelled), metadata, context);
        } catch (IOException | SAXException | TikaException | RuntimeException e) {
            return outcome(e, text, tooLarge.get(), cancelled.get());
        }
        if (embedded.tooDeep) {
            return ExtractionResult.failed("nesting deeper than " + limits.maxNestingDepth());
        }
        if (embedded.skipped > 0) {
            return ExtractionResult.truncated(text.toString(), embedded.skipped
                + " embedded documents beyond the limit of " + limits.maxEmbeddedDocuments() + " not parsed");
        }
        return ExtractionResult.complete(text.toString());
    }

    private ExtractionResult outcome(Exception e, WriteOutContentHandler text, boolean tooLarge, boolean cancelled) {
        if (cancelled) {
            return ExtractionResult.failed("cancelled after the timeout");
        }
        // Checked before the exception's type: a parser may wrap the limit's IOException in anything.
        if (tooLarge) {
            return ExtractionResult.failed("larger than " + limits.maxInputBytes() + " bytes");
        }
        if (WriteLimitReachedException.isWriteLimitReached(e)) {
            return ExtractionResult.truncated(text.toString(), "text cut at " + limits.maxOutputChars() + " characters");
        }
        if (isCausedBy(e, EncryptedDocumentException.class)) {
            return ExtractionResult.failed("encrypted");
        }
        if (isCausedBy(e, ZeroByteFileException.class)) {
            return ExtractionResult.complete("");
        }
        Optional<String> zipBomb = zipBombDetail(e);
        if (zipBomb.isPresent()) {
            return ExtractionResult.failed("suspected zip bomb: " + zipBomb.get());
        }
        if (e instanceof RuntimeException) {
            // A parser bug met on odd input: the content is still what we cannot read.
            return ExtractionResult.failed("parser error: " + describe(e));
        }
        return ExtractionResult.failed("corrupt: " + describe(e));
    }

    /**
     * SecureContentHandler's exception class is private, and reaches us wrapped in one to three
     * other exceptions depending on the level of the parse it fired in: its message is what is stable.
     */
    private static Optional<String> zipBombDetail(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && message.startsWith(SUSPECTED_ZIP_BOMB_PREFIX)) {
                return Optional.of(message.substring(SUSPECTED_ZIP_BOMB_PREFIX.length()));
            }
        }
        return Optional.empty();
    }

    private static boolean isCausedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message says what was wrong; the outer ones mostly say which parser gave up. */
    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    private InputStream guard(InputStream content, AtomicBoolean tooLarge, AtomicBoolean cancelled) throws IOException {
        long maxBytes = limits.maxInputBytes();
        InputStream bounded = BoundedInputStream.builder()
            .setInputStream(content)
            // Reading byte N + 1 proves the input is larger than N.
            .setMaxCount(maxBytes + 1)
            .setOnMaxCount((max, count) -> {
                tooLarge.set(true);
                throw new IOException("input larger than " + maxBytes + " bytes");
            })
            .get();
        return new ProxyInputStream(bounded) {
            @Override
            protected void beforeRead(int n) throws IOException {
                if (cancelled.get()) {
                    throw new InterruptedIOException("extraction cancelled after its timeout");
                }
            }
        };
    }

    /**
     * The charset the part declares is the transport's word and wins over guessing, but only for
     * the attachment itself: documents inside it (archive entries) are detected by Tika. A declared
     * US-ASCII is ignored: it is mime4j's and many mailers' default, often wrong for 8-bit text, and
     * detection finds it anyway when it is right.
     */
    private EncodingDetector encodingDetector(Metadata attachment, String declaredContentType) {
        Optional<Charset> declared = Optional.ofNullable(MediaType.parse(declaredContentType))
            .map(type -> type.getParameters().get("charset"))
            .flatMap(TikaTextParser::charset)
            .filter(charset -> !charset.equals(StandardCharsets.US_ASCII));
        if (declared.isEmpty()) {
            return detectedEncoding;
        }
        return new CompositeEncodingDetector(List.of(new DeclaredCharset(attachment, declared.get()), detectedEncoding));
    }

    private static Optional<Charset> charset(String name) {
        try {
            return Optional.of(Charset.forName(name.trim()));
        } catch (IllegalArgumentException unknownOrIllegal) {
            return Optional.empty();
        }
    }

    private record DeclaredCharset(Metadata attachment, Charset charset) implements EncodingDetector {
        @Override
        public Charset detect(InputStream input, Metadata metadata) {
            return metadata == attachment ? charset : null;
        }
    }

    /**
     * Parses embedded documents (archive entries, files inside office documents) down to
     * {@link ExtractionLimits#maxNestingDepth()} levels, and at most
     * {@link ExtractionLimits#maxEmbeddedDocuments()} of them; the rest are skipped and counted,
     * as Tika's RecursiveParserWrapper does with its maxEmbeddedResources. Embedded parses at every
     * level share the parse context, so this one instance sees them all.
     */
    private static final class EmbeddedDocumentLimits extends ParsingEmbeddedDocumentExtractor {
        private final int maxDepth;
        private final int maxDocuments;
        /** Levels of embedded documents being parsed right now: 0 while in the attachment itself. */
        private int depth;
        private int parsed;
        private int skipped;
        private boolean tooDeep;

        EmbeddedDocumentLimits(ParseContext context, ExtractionLimits limits) {
            super(context);
            this.maxDepth = limits.maxNestingDepth();
            this.maxDocuments = limits.maxEmbeddedDocuments();
        }

        @Override
        public boolean shouldParseEmbedded(Metadata metadata) {
            return withinLimits() && super.shouldParseEmbedded(metadata);
        }

        @Override
        public void parseEmbedded(InputStream stream, ContentHandler handler, Metadata metadata, boolean outputHtml)
            throws SAXException, IOException {
            // Some parsers call this without asking shouldParseEmbedded first.
            if (!withinLimits()) {
                return;
            }
            parsed++;
            depth++;
            try {
                super.parseEmbedded(stream, handler, metadata, outputHtml);
            } finally {
                depth--;
            }
        }

        /** Whether the document about to be embedded, one level below the current one, may be parsed. */
        private boolean withinLimits() {
            if (depth >= maxDepth) {
                tooDeep = true;
                return false;
            }
            if (parsed >= maxDocuments) {
                skipped++;
                return false;
            }
            return true;
        }
    }

    /** Ends an abandoned parse at its next output event; parsers ignore thread interrupts. */
    private static final class CancellableContentHandler extends ContentHandlerDecorator {
        private final AtomicBoolean cancelled;

        CancellableContentHandler(ContentHandler handler, AtomicBoolean cancelled) {
            super(handler);
            this.cancelled = cancelled;
        }

        @Override
        public void startElement(String uri, String localName, String name, Attributes atts) throws SAXException {
            throwIfCancelled();
            super.startElement(uri, localName, name, atts);
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            throwIfCancelled();
            super.characters(ch, start, length);
        }

        @Override
        public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
            throwIfCancelled();
            super.ignorableWhitespace(ch, start, length);
        }

        private void throwIfCancelled() throws SAXException {
            if (cancelled.get()) {
                throw new SAXException("extraction cancelled after its timeout");
            }
        }
    }
}
