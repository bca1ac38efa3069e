package xyz.offblocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SDK as a Java caller sees it: a builder, plain lambdas for the observer, the progress
 * callback and a signer, overloads for the optional arguments, exceptions by kind.
 */
class JavaOnboardingTest {
    private final LocalSandbox sandbox = Shared.INSTANCE.getSandbox();

    private ClientConfig config() {
        return ClientConfig.builder()
                .baseUrl(sandbox.getBaseUrl())
                .apiKey(sandbox.getApiKey())
                .apiSecret(sandbox.getApiSecret())
                .generateSigningKey(true)
                .timeout(Duration.ofSeconds(20))
                .retry(new Retry(3))
                .build();
    }

    @Test
    void onboardsEndToEndFromJava() {
        List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
        try (OffblocksClient client = new OffblocksClient(config(), attempts::add);
                Wallet wallet = Wallet.random()) {
            client.getAuth().registerSigningKey();
            List<String> steps = new ArrayList<>();
            OnboardingRequest request = new OnboardingRequest("java-" + java.util.UUID.randomUUID());
            Onboarded done = client.onboard(request, wallet, p -> steps.add(p.getStep()));
            assertEquals(AccountStatus.Active.INSTANCE, done.getAccount().getStatus());
            assertEquals(CustomerStatus.Active.INSTANCE, done.getCustomer().getStatus());
            assertEquals(wallet.accountId(), done.getCustomer().getChainId());
            assertEquals("create_customer", steps.get(0));
            assertEquals("done", steps.get(steps.size() - 1));
            assertFalse(attempts.isEmpty());

            // Again, with a signer made of a lambda: the flow resumes, creating nothing.
            Signer lambdaSigner = Signer.of(wallet.getAddress(), wallet::signPersonal);
            Onboarded again = client.onboard(request, lambdaSigner);
            assertEquals(done.getCustomer().getId(), again.getCustomer().getId());
            assertEquals(done.getAccount().getId(), again.getAccount().getId());
        }
    }

    @Test
    void failuresAreCaughtByKind() {
        try (OffblocksClient client = new OffblocksClient(config())) {
            client.getAuth().registerSigningKey();
            OffblocksException.NotFound e = assertThrows(
                    OffblocksException.NotFound.class, () -> client.getCustomers().get("no-such-customer"));
            assertEquals(ErrorKind.NOT_FOUND, e.getKind());
            assertEquals(404, e.getStatus());
            assertInstanceOf(OffblocksException.Api.class, e);
        }
    }

    @Test
    void theBuilderSetsWhatTheConstructorSets() {
        ClientConfig built = ClientConfig.builder()
                .baseUrl("http://127.0.0.1:1/v1")
                .apiKey("k")
                .apiSecret("s")
                .keyId("key-1")
                .callDeadline(Duration.ofSeconds(5))
                .build();
        ClientConfig direct = new ClientConfig("http://127.0.0.1:1/v1", null, "k", "s");
        assertEquals(direct.toBuilder().keyId("key-1").callDeadline(Duration.ofSeconds(5)).build(), built);
        assertTrue(built.toString().contains("apiSecret=[redacted]"));
        assertFalse(built.toString().contains("=s,"));
    }
}
