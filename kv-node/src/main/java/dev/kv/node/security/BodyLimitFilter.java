package dev.kv.node.security;

import dev.kv.node.config.BodyLimits;
import dev.kv.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Answers 413 to a request whose body is larger than its endpoint can legitimately carry ({@link BodyLimits}), before
 * anything reads it into memory. A declared {@code Content-Length} is judged at once; a chunked body is read up to
 * the cap and passed on from memory, or refused when it goes beyond. Runs after Spring Security, so a caller without
 * the secret learns nothing about the caps, and on the path the firewall has already proven canonical.
 */
@Component
public class BodyLimitFilter extends OncePerRequestFilter {

    private final BodyLimits limits;

    BodyLimitFilter(BodyLimits limits) {
        this.limits = limits;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long cap = limits.forRequest(request.getMethod(), request.getServletPath());
        long declared = request.getContentLengthLong();
        if (declared > cap) {
            tooLarge(response, cap);
            return;
        }
        if (declared < 0 && request.getHeader("Transfer-Encoding") != null) {
            byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
            if (body.length > cap) {
                tooLarge(response, cap);
                return;
            }
            chain.doFilter(new BufferedBody(request, body), response);
            return;
        }
        chain.doFilter(request, response);
    }

    /** The 413 problem for a body over {@code cap} bytes (also the batch valve's, which reads its body itself). */
    public static void tooLarge(HttpServletResponse response, long cap) throws IOException {
        ProblemWriter.ABOUT_BLANK.write(response, 413, "content-too-large", "Content Too Large",
                "the request body is larger than the " + cap + " bytes this endpoint accepts");
    }

    /** A chunked body already read (within its cap), served again from memory. */
    private static final class BufferedBody extends HttpServletRequestWrapper {

        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            InputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    return in.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return body.length == 0 || bytesLeft() == 0;
                }

                private int bytesLeft() {
                    try {
                        return in.available();
                    } catch (IOException e) {
                        return 0;
                    }
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }
    }
}
