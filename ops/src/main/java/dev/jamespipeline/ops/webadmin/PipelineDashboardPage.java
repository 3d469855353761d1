package dev.jamespipeline.ops.webadmin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.james.webadmin.PublicRoutes;

import spark.Response;
import spark.Service;

/**
 * The live page's code: its HTML, script and style, read from the jar. Public because a browser
 * cannot send WebAdmin's bearer token when it opens a page; it holds no data. Everything the page
 * shows comes from the routes behind the token ({@link PipelineDashboardRoutes}, {@code /pipeline/state},
 * the dead-letter routes), fetched with the admin token the operator gives it once (README, "The live page").
 */
public class PipelineDashboardPage implements PublicRoutes {
    static final String PATH = "/pipeline/dashboard";
    /** Only the page's own files run in it, and it talks to nothing but this WebAdmin. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
        + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String RESOURCES = "/dev/jamespipeline/ops/dashboard/";

    /** Path to file: a fixed list, so no request can name any other resource. */
    private static final Map<String, Asset> ASSETS = Map.of(
        PATH, asset("index.html", "text/html; charset=utf-8"),
        PATH + "/dashboard.js", asset("dashboard.js", "text/javascript; charset=utf-8"),
        PATH + "/dashboard.css", asset("dashboard.css", "text/css; charset=utf-8"));

    private record Asset(String contentType, String body) {
    }

    @Override
    public String getBasePath() {
        return PATH;
    }

    @Override
    public void define(Service service) {
        ASSETS.forEach((path, asset) -> service.get(path, (request, response) -> serve(asset, response)));
    }

    private static String serve(Asset asset, Response response) {
        response.type(asset.contentType());
        response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.header("X-Content-Type-Options", "nosniff");
        response.header("Referrer-Policy", "no-referrer");
        response.header("Cache-Control", "no-cache");
        return asset.body();
    }

    private static Asset asset(String file, String contentType) {
        try (InputStream in = PipelineDashboardPage.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IllegalStateException("the live page's " + file + " is missing from the jar");
            }
            return new Asset(contentType, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
