import Testing
@testable import DoudiDomain

/// Numbers typed with a Chinese input method (full-width digits, spaces) are the numbers meant, in every form
/// that takes one: the self-report's mobile, the hotline's callback number, a member's phone.
@Suite("Typed numbers")
struct TypedNumberTests {
    static let today = CivilDate(year: 2026, month: 12, day: 2)!
    static let wide = "１３９ １２３４\u{3000}５６７８"

    @Test func theSelfReportsMobile() throws {
        let r = SelfReport(name: "某", residentID: "11010519491231002X", mobile: Self.wide, regionCode: "430481001001",
                           riskKinds: ["illness"], description: "", consent: true).check(today: Self.today)
        #expect(try r.get().mobile == "13912345678")
    }

    @Test func theHotlinesCallbackNumber() throws {
        let r = HotlineCall(caller: "来电人", callbackNumber: Self.wide, residentID: "１１０１０５１９４９１２３１００２Ｘ", name: "某",
                            regionCode: "430481001001", riskKinds: ["illness"], notes: "").check(today: Self.today)
        let checked = try r.get()
        #expect(checked.callbackNumber == "13912345678" && checked.residentID.text == "11010519491231002X")
    }

    @Test func aMembersPhone() throws {
        let m = try MemberInput(residentID: "11010519491231002X", name: "某", relation: "head", laborAbility: "full", phone: "０７３４－１２３４５６７")
            .check(householdID: "H1", today: Self.today).get()
        #expect(m.phone == "0734-1234567")
    }
}
