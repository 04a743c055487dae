package dev.peersync.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void median_of_an_odd_count_is_the_middle_value() {
        Summary s = Summary.of(List.of(5.0, 1.0, 3.0));
        assertThat(s.median()).isEqualTo(3.0);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(5.0);
        assertThat(s.format()).isEqualTo("3.00 (1.00-5.00)");
    }

    @Test
    void median_of_an_even_count_is_the_mean_of_the_two_middle_values() {
        assertThat(Summary.of(List.of(4.0, 1.0, 2.0, 3.0)).median()).isEqualTo(2.5);
    }

    @Test
    void p99_of_200_samples_interpolates_between_the_two_highest_ranks() {
        // Samples 1..200: rank 0.99 * 199 = 197.01 lies between the values 198 and 199.
        double[] sorted = new double[200];
        for (int i = 0; i < 200; i++) {
            sorted[i] = i + 1;
        }
        assertThat(Summary.percentile(sorted, 99)).isCloseTo(198.01, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Summary.percentile(sorted, 50)).isEqualTo(100.5);
    }

    @Test
    void non_finite_values_are_refused() {
        assertThatThrownBy(() -> Summary.of(List.of(1.0, Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
    }

    @Test
    void large_values_print_with_thousands_separators() {
        assertThat(Summary.of(List.of(123456.0)).format()).isEqualTo("123,456");
    }
}
