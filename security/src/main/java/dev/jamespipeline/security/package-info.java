/**
 * The security stages: authentication checks (SPF, DKIM, DMARC), spam and virus scanning, and the
 * quarantine they send mail to. Each check is a mailet of its stage's processor in mailetcontainer.xml.
 */
package dev.jamespipeline.security;
