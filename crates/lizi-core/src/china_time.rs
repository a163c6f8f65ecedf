//! Unix times as QQ counts days: in China (UTC+8), where its daily limits reset at
//! midnight. Day numbers, civil dates and the `YYYY-MM-DD hh:mm:ss` spelling, with no
//! calendar library (Howard Hinnant's days-to-civil algorithm; the workspace has no date
//! crate, and these few lines are all lizi needs).

/// Seconds China's time is ahead of UTC.
const UTC_OFFSET: i64 = 8 * 3600;

/// The day number (days since 1970-01-01) of unix time `time` in China.
pub fn day_of(time: i64) -> i64 {
    (time + UTC_OFFSET).div_euclid(86_400)
}

/// The civil date `(year, month, day)` of unix time `time` in China.
pub fn date_of(time: i64) -> (i64, i64, i64) {
    let z = day_of(time) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Unix time `time` as `YYYY-MM-DD hh:mm:ss` in China.
pub fn format(time: i64) -> String {
    let (year, month, day) = date_of(time);
    let seconds = (time + UTC_OFFSET).rem_euclid(86_400);
    let (hour, minute, second) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_turn_at_midnight_in_china() {
        assert_eq!(day_of(16 * 3600) - day_of(0), 1);
        // 2023-11-14 16:00:00 UTC is midnight in China.
        assert_eq!(day_of(1_699_977_600 - 1) + 1, day_of(1_699_977_600));
    }

    #[test]
    fn dates_and_their_spelling() {
        assert_eq!(date_of(0), (1970, 1, 1));
        assert_eq!(date_of(1_609_562_723).0, 2021);
        assert_eq!(date_of(1_704_038_400), (2024, 1, 1));
        assert_eq!(format(1_704_038_400), "2024-01-01 00:00:00");
        assert_eq!(format(1_709_225_999), "2024-03-01 00:59:59");
        assert_eq!(format(1_709_222_399), "2024-02-29 23:59:59", "a leap day");
    }
}
