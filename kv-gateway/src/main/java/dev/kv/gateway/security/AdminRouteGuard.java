package dev.kv.gateway.security;

import dev.kv.gateway.api.KeyPath;
import dev.kv.gateway.api.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Defence in depth for the one route Spring Security skips: a request whose raw path is on the key route must never
 * be handled by an admin endpoint. {@code KeyPathFilter} already refuses every key spelling that a normaliser could
 * turn into another route; should one ever get through, it is refused here (400), not served without the secret.
 * Runs only for requests mapped to {@code /admin/**}, so the data path pays nothing.
 */
@Configuration
class AdminRouteGuard implements WebMvcConfigurer, HandlerInterceptor {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/admin/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        if (KeyPath.isKeyRoute(request.getRequestURI())) {
            Problems.write(response, 400, "Bad Request", "a key route cannot reach the admin API", "invalid-request");
            return false;
        }
        return true;
    }
}
