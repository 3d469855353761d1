package dev.jamespipeline.it;

import java.nio.file.Path;

/**
 * A WebAdmin admin token made the way an operator makes one: scripts/webadmin-token.sh, which also
 * creates the James conf directory's key pair (conf/jwt_publickey, read by James) on first use.
 */
final class WebAdminToken {
    private WebAdminToken() {
    }

    static String create(Path confDir) throws Exception {
        Path script = Path.of(System.getProperty("pipeline.project.dir"), "scripts", "webadmin-token.sh");
        Process process = new ProcessBuilder("bash", script.toString(), confDir.toString()).start();
        String token = new String(process.getInputStream().readAllBytes()).trim();
        String errors = new String(process.getErrorStream().readAllBytes());
        if (process.waitFor() != 0 || token.isEmpty()) {
            throw new IllegalStateException("webadmin-token.sh failed: " + errors);
        }
        return token;
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }
}
