package dev.kv.admin.security;

import dev.kv.admin.AdminProperties;
import dev.kv.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * The key explorer's {@code PUT /api/keys} carries one value, so its body may be as large as the gateways' value
 * limit ({@code kv.admin.value-max}); no other request of the dashboard carries more than a few bytes (64 KiB is
 * ample). A larger body is refused with 413 before it is read; a body without a declared length is refused too, as
 * the page always sends one.
 */
@Component
class BodyLimitFilter extends OncePerRequestFilter {

    static final long OTHER_BYTES_MAX = 64 * 1024;

    private final long valueBytesMax;

    BodyLimitFilter(AdminProperties properties) {
        this.valueBytesMax = properties.valueMax().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long cap = "PUT".equals(request.getMethod()) && "/api/keys".equals(request.getServletPath())
                ? valueBytesMax : OTHER_BYTES_MAX;
        long declared = request.getContentLengthLong();
        boolean unbounded = declared < 0 && request.getHeader("Transfer-Encoding") != null;
        if (declared > cap || unbounded) {
            if (unbounded) {
                ProblemWriter.ABOUT_BLANK.write(response, 411, "length-required", "Length Required",
                        "send the body with a Content-Length");
            } else {
                ProblemWriter.ABOUT_BLANK.write(response, 413, "content-too-large", "Content Too Large",
                        "the request body is larger than the " + cap + " bytes this endpoint accepts");
            }
            return;
        }
        chain.doFilter(request, response);
    }
}
