import Agent
import Testing

@Suite("Round schedule")
struct RoundScheduleTests {
    @Test func endpointsWithTheSameIntervalStayInTheSameRound() {
        var schedule = RoundSchedule(intervals: [60, 60, 30], start: 0)
        #expect(schedule.takeDue(at: 0) == [0, 1, 2])
        #expect(schedule.nextRoundTime == 30)
        #expect(schedule.takeDue(at: 30) == [2])
        #expect(schedule.takeDue(at: 60) == [0, 1, 2])
        #expect(schedule.nextRoundTime == 90)
    }

    @Test func aLateRoundSkipsMissedSlotsInsteadOfBursting() {
        var schedule = RoundSchedule(intervals: [10], start: 0)
        #expect(schedule.takeDue(at: 0) == [0])
        #expect(schedule.takeDue(at: 35) == [0], "three slots were missed; one round runs")
        #expect(schedule.nextRoundTime == 40, "and the cadence keeps its phase")
        #expect(schedule.takeDue(at: 39).isEmpty)
    }

    @Test func nothingIsDueEarly() {
        var schedule = RoundSchedule(intervals: [5], start: 10)
        #expect(schedule.takeDue(at: 9).isEmpty)
        #expect(schedule.takeDue(at: 9.99) == [0], "within the 50 ms tolerance")
    }
}
