import DoudiDomain
import Testing

/// Each permission is one rule: the roles that hold it, and no other.
@Suite("Who may do what")
struct RoleTests {
    @Test("the roles holding each permission", arguments: [
        (Permission.readRegister, Set(Role.allCases).subtracting([.volunteerOrgAdmin, .volunteer, .departmentOfficer, .healthWorker])),
        (.writeRegister, [.villageCadre, .townshipOfficer, .countyOfficer, .admin]),
        (.importRegister, [.villageCadre, .townshipOfficer, .countyOfficer, .admin]),
        (.browseRegister, Set(Role.allCases).subtracting([.volunteerOrgAdmin, .volunteer, .hotlineOperator, .departmentOfficer, .healthWorker])),
        (.revealPersonalData, [.villageCadre, .townshipOfficer, .countyOfficer, .childDirector, .admin]),
        (.readAudit, [.auditor, .admin]),
        (.manageUsers, [.admin]),
        (.manageRegions, [.admin]),
        (.setPolicy, [.admin]),
        (.recordCalls, [.hotlineOperator, .villageCadre, .townshipOfficer, .countyOfficer, .admin]),
        (.proposeClearing, [.villageCadre]),
        (.handleCases, [.villageCadre, .townshipOfficer, .countyOfficer]),
        (.assignHelpers, [.townshipOfficer, .countyOfficer]),
        (.answerReferrals, [.departmentOfficer]),
        (.confirmEffectReviews, [.townshipOfficer]),
    ] as [(Permission, Set<Role>)])
    func holders(_ p: Permission, _ roles: Set<Role>) {
        #expect(Set(Role.allCases.filter { $0.may(p) }) == roles)
    }
}
