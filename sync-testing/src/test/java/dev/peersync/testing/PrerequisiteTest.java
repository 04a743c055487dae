package dev.peersync.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class PrerequisiteTest {
    @Test
    void a_missing_prerequisite_skips_outside_ci_and_fails_under_ci_naming_what_to_install() {
        assertThatCode(() -> Prerequisite.require(true, "chromium", "apt-get install chromium", true))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Prerequisite.require(false, "chromium", "apt-get install chromium", false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("skipped outside CI").hasMessageContaining("apt-get install chromium");
        assertThatThrownBy(() -> Prerequisite.require(false, "chromium", "apt-get install chromium", true))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("never skipped").hasMessageContaining("apt-get install chromium");
    }
}
