package dev.kv.web;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProblemWriterTest {

    @Test
    void aboutBlankIgnoresTheKindAndTypedPutsItAfterThePrefix() {
        assertThat(ProblemWriter.ABOUT_BLANK.type("invalid-key")).isEqualTo("about:blank");
        assertThat(ProblemWriter.typed("urn:kv:problem:").type("invalid-key")).isEqualTo("urn:kv:problem:invalid-key");
        assertThatThrownBy(() -> ProblemWriter.typed(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theJsonHasTheMembersInRfcOrder() {
        assertThat(ProblemWriter.typed("urn:x:").json(413, "too-large", "Content Too Large", "over 10 bytes"))
                .isEqualTo("{\"type\":\"urn:x:too-large\",\"title\":\"Content Too Large\",\"status\":413,"
                        + "\"detail\":\"over 10 bytes\"}");
    }

    @Test
    void writeSetsStatusAndProblemContentTypeAndTheSameBody() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();

        ProblemWriter.ABOUT_BLANK.write(response, 401, "unauthorized", "Unauthorized", "missing secret");

        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getContentAsString()).isEqualTo(
                ProblemWriter.ABOUT_BLANK.json(401, "unauthorized", "Unauthorized", "missing secret"));
    }
}
