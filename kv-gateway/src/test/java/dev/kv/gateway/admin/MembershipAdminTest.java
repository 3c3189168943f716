package dev.kv.gateway.admin;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.kv.gateway.replica.ReplicaClient;
import dev.kv.gateway.support.FakeReplicas;
import dev.kv.gateway.support.GatewayTest;
import dev.kv.web.testsupport.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator's membership change through the gateway, against a node that accepts, refuses, cannot be reached, or
 * is too busy to answer in time. A node that got the request but did not answer may have made the change: that is a
 * 504 saying so, never a 503 that claims the change could not be asked (issue 12: a decommission under load was
 * reported as failed while the node was already leaving).
 */
@TestPropertySource(properties = "kv.cluster.secret=" + MembershipAdminTest.SECRET)
class MembershipAdminTest extends GatewayTest {

    /** The same as GatewaySecurityTest's, so both share one Spring context. */
    static final String SECRET = "gateway-test-cluster-secret";
    private static final String DECOMMISSION = "/internal/v1/membership/decommission";

    private RawHttp.Response decommissionN1() {
        return RawHttp.send(port, "POST", "/admin/v1/nodes/n1/decommission", new byte[0], "X-KV-Cluster-Secret",
                SECRET);
    }

    @Test
    void anAcceptedChangeIsA202WithTheNodesAnswer() {
        replicas.stub("n1", post(urlPathEqualTo(DECOMMISSION)), aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody("{\"topologyVersion\":\"2:n1\"}"));

        RawHttp.Response response = decommissionN1();

        assertThat(response.status()).as(response.text()).isEqualTo(202);
        assertThat(response.text()).contains("2:n1");
    }

    @Test
    void aRefusalIsA409WithTheNodesReason() {
        replicas.stub("n1", post(urlPathEqualTo(DECOMMISSION)), FakeReplicas.problem(409,
                "cannot decommission while another change is under way"));

        RawHttp.Response response = decommissionN1();

        assertThat(response.status()).as(response.text()).isEqualTo(409);
        assertThat(response.text()).contains("membership-change-refused", "another change is under way");
    }

    @Test
    void aConnectionResetAfterTheRequestWasSentIsAnUnknownOutcomeToo() {
        replicas.stub("n1", post(urlPathEqualTo(DECOMMISSION)), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        RawHttp.Response response = decommissionN1();

        assertThat(response.status()).as(response.text()).isEqualTo(504);
        assertThat(response.text()).contains("outcome-unknown", "n1");
    }

    @Test
    void aNodeThatGotTheRequestButAnsweredTooLateIsA504OutcomeUnknown() {
        long late = ReplicaClient.ADMIN_TIMEOUT.toMillis() + 1_000;
        replicas.stub("n1", post(urlPathEqualTo(DECOMMISSION)), aResponse().withStatus(202).withFixedDelay((int) late)
                .withHeader("Content-Type", "application/json").withBody("{}"));

        RawHttp.Response response = decommissionN1();

        assertThat(response.status()).as(response.text()).isEqualTo(504);
        assertThat(response.text()).contains("outcome-unknown", "may have been made", "/v1/cluster");
        assertThat(replicas.server("n1").findAll(postRequestedFor(urlPathEqualTo(DECOMMISSION)))).hasSize(1);
    }

    @Test
    void anOperatorRequestWaitsLongerThanAReplicaCall() {
        long slow = REPLICA_TIMEOUT.toMillis() * 3;
        replicas.stub("n1", post(urlPathEqualTo(DECOMMISSION)), aResponse().withStatus(202).withFixedDelay((int) slow)
                .withHeader("Content-Type", "application/json").withBody("{\"topologyVersion\":\"2:n1\"}"));

        RawHttp.Response response = decommissionN1();

        assertThat(response.status()).as(response.text()).isEqualTo(202);
    }
}
