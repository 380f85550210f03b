import DoudiAPI

/// The volunteers' operations, handed to `VolunteerAPI`.
extension APIHandlers {
    func listVolunteerOrgs(_ i: Operations.ListVolunteerOrgs.Input) async throws -> Operations.ListVolunteerOrgs.Output { try await volunteers.listVolunteerOrgs(i) }
    func registerVolunteerOrg(_ i: Operations.RegisterVolunteerOrg.Input) async throws -> Operations.RegisterVolunteerOrg.Output { try await volunteers.registerVolunteerOrg(i) }
    func listVolunteers(_ i: Operations.ListVolunteers.Input) async throws -> Operations.ListVolunteers.Output { try await volunteers.listVolunteers(i) }
    func addVolunteer(_ i: Operations.AddVolunteer.Input) async throws -> Operations.AddVolunteer.Output { try await volunteers.addVolunteer(i) }
    func revealVolunteerMobile(_ i: Operations.RevealVolunteerMobile.Input) async throws -> Operations.RevealVolunteerMobile.Output { try await volunteers.revealVolunteerMobile(i) }
    func listVolunteerPosts(_ i: Operations.ListVolunteerPosts.Input) async throws -> Operations.ListVolunteerPosts.Output { try await volunteers.listVolunteerPosts(i) }
    func addVolunteerPost(_ i: Operations.AddVolunteerPost.Input) async throws -> Operations.AddVolunteerPost.Output { try await volunteers.addVolunteerPost(i) }
    func listVolunteerTasks(_ i: Operations.ListVolunteerTasks.Input) async throws -> Operations.ListVolunteerTasks.Output { try await volunteers.listVolunteerTasks(i) }
    func addVolunteerTask(_ i: Operations.AddVolunteerTask.Input) async throws -> Operations.AddVolunteerTask.Output { try await volunteers.addVolunteerTask(i) }
    func getVolunteerTask(_ i: Operations.GetVolunteerTask.Input) async throws -> Operations.GetVolunteerTask.Output { try await volunteers.getVolunteerTask(i) }
    func assignVolunteer(_ i: Operations.AssignVolunteer.Input) async throws -> Operations.AssignVolunteer.Output { try await volunteers.assignVolunteer(i) }
    func actOnAssignment(_ i: Operations.ActOnAssignment.Input) async throws -> Operations.ActOnAssignment.Output { try await volunteers.actOnAssignment(i) }
    func declareVolunteerHealth(_ i: Operations.DeclareVolunteerHealth.Input) async throws -> Operations.DeclareVolunteerHealth.Output { try await volunteers.declareVolunteerHealth(i) }
    func getMyVolunteering(_ i: Operations.GetMyVolunteering.Input) async throws -> Operations.GetMyVolunteering.Output { try await volunteers.getMyVolunteering(i) }
    func getServiceRecord(_ i: Operations.GetServiceRecord.Input) async throws -> Operations.GetServiceRecord.Output { try await volunteers.getServiceRecord(i) }
    func listResponseLevels(_ i: Operations.ListResponseLevels.Input) async throws -> Operations.ListResponseLevels.Output { try await volunteers.listResponseLevels(i) }
    func setResponseLevel(_ i: Operations.SetResponseLevel.Input) async throws -> Operations.SetResponseLevel.Output { try await volunteers.setResponseLevel(i) }
    func getVolunteerFigures(_ i: Operations.GetVolunteerFigures.Input) async throws -> Operations.GetVolunteerFigures.Output { try await volunteers.getVolunteerFigures(i) }
}
