// Package ports exposes registration's use cases over gRPC.
package ports

import (
	"github.com/sciweek/sciweek/pkg/auth"
	registrationv1 "github.com/sciweek/sciweek/pkg/gen/sciweek/registration/v1"
)

// Policy says which roles may call each registration RPC; the use cases then check the county
// and the unit. Public RPCs serve the sign-up pages and the terminals.
func Policy() auth.Policy {
	people := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin, auth.RoleOrganizer, auth.RoleViewer}
	writers := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin, auth.RoleOrganizer}
	admins := []auth.Role{auth.RoleCityAdmin, auth.RoleCountyAdmin}
	city := []auth.Role{auth.RoleCityAdmin}
	return auth.Policy{
		Public: []string{
			registrationv1.AccountService_Login_FullMethodName,
			registrationv1.AccountService_GetTokenKeys_FullMethodName,
			registrationv1.EditionService_GetEdition_FullMethodName,
			registrationv1.EditionService_ListEditions_FullMethodName,
			registrationv1.SignupService_ListPublicActivities_FullMethodName,
			registrationv1.SignupService_GetPublicActivity_FullMethodName,
			registrationv1.SignupService_SignUp_FullMethodName,
			registrationv1.SignupService_GetSignup_FullMethodName,
			registrationv1.SignupService_FindSignup_FullMethodName,
			registrationv1.SignupService_CancelSignup_FullMethodName,
			registrationv1.SignupService_GetTicketKeys_FullMethodName,
		},
		Roles: map[string][]auth.Role{
			registrationv1.ActivityService_CreateActivity_FullMethodName:    writers,
			registrationv1.ActivityService_UpdateActivity_FullMethodName:    writers,
			registrationv1.ActivityService_SubmitActivity_FullMethodName:    writers,
			registrationv1.ActivityService_ApproveActivity_FullMethodName:   admins,
			registrationv1.ActivityService_ReturnActivity_FullMethodName:    admins,
			registrationv1.ActivityService_CancelActivity_FullMethodName:    writers,
			registrationv1.ActivityService_GetActivity_FullMethodName:       people,
			registrationv1.ActivityService_ListActivities_FullMethodName:    people,
			registrationv1.ActivityService_ImportActivities_FullMethodName:  writers,
			registrationv1.ActivityService_GetImportTemplate_FullMethodName: writers,
			registrationv1.EditionService_CreateEdition_FullMethodName:      city,
			registrationv1.EditionService_UpdateEdition_FullMethodName:      city,
			registrationv1.UnitService_CreateUnit_FullMethodName:            admins,
			registrationv1.UnitService_GetUnit_FullMethodName:               people,
			registrationv1.UnitService_ListUnits_FullMethodName:             people,
			registrationv1.AccountService_WhoAmI_FullMethodName:             people,
			registrationv1.AccountService_CreateAccount_FullMethodName:      admins,
			registrationv1.AccountService_ListAccounts_FullMethodName:       admins,
			registrationv1.AccountService_UnlockAccount_FullMethodName:      admins,
			registrationv1.EditionService_ErasePersonalData_FullMethodName:  city,
			registrationv1.AccountService_ChangePassword_FullMethodName:     people,
			registrationv1.AccountService_Logout_FullMethodName:             people,
			registrationv1.AccountService_RenewSession_FullMethodName:       people,
			registrationv1.AccountService_ResetPassword_FullMethodName:      admins,
			registrationv1.AccountService_SetAccountDisabled_FullMethodName: admins,
			registrationv1.FeaturedService_NominateActivity_FullMethodName:  admins,
			registrationv1.FeaturedService_DecideNomination_FullMethodName:  city,
			registrationv1.FeaturedService_ListNominations_FullMethodName:   append(admins, auth.RoleViewer),
			registrationv1.FeaturedService_ExportFeatured_FullMethodName:    append(admins, auth.RoleViewer),
			registrationv1.SignupService_ListSignups_FullMethodName:         writers,
			registrationv1.SignupService_ExportSignups_FullMethodName:       writers,
		},
		// Someone holding a one-time password may only change it (and see who they are, renew
		// and sign out); ResetPassword and every other RPC refuse them until then.
		BeforePasswordChange: []string{
			registrationv1.AccountService_ChangePassword_FullMethodName,
			registrationv1.AccountService_WhoAmI_FullMethodName,
			registrationv1.AccountService_RenewSession_FullMethodName,
			registrationv1.AccountService_Logout_FullMethodName,
		},
		// Reads change nothing and hand out no file: the audit trail leaves them out. Sign-in,
		// the sign-up lists (people's names) and every export stay audited.
		Reads: []string{
			registrationv1.AccountService_GetTokenKeys_FullMethodName,
			registrationv1.AccountService_WhoAmI_FullMethodName,
			registrationv1.AccountService_ListAccounts_FullMethodName,
			registrationv1.EditionService_GetEdition_FullMethodName,
			registrationv1.EditionService_ListEditions_FullMethodName,
			registrationv1.SignupService_ListPublicActivities_FullMethodName,
			registrationv1.SignupService_GetPublicActivity_FullMethodName,
			registrationv1.SignupService_GetSignup_FullMethodName,
			registrationv1.SignupService_FindSignup_FullMethodName,
			registrationv1.SignupService_GetTicketKeys_FullMethodName,
			registrationv1.ActivityService_GetActivity_FullMethodName,
			registrationv1.ActivityService_ListActivities_FullMethodName,
			registrationv1.ActivityService_GetImportTemplate_FullMethodName,
			registrationv1.UnitService_GetUnit_FullMethodName,
			registrationv1.UnitService_ListUnits_FullMethodName,
			registrationv1.FeaturedService_ListNominations_FullMethodName,
		},
	}
}
